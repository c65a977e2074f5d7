#!/usr/bin/env node
// The docs check: every command in a shell code block of README.md and docs/**/*.md must name
// something that exists — a pnpm script, a package's bin, a file in the repository, or one of
// the external tools below — so a renamed script or a moved file fails CI instead of a reader.
// It checks that a command could run, not what it does; the tests cover behaviour.
//   node infra/scripts/check-docs.mjs [--root DIR]      (pnpm docs:check)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tools the docs may call that this repository does not provide: the machine's, an operator's
 * or a cluster's. Add one only when a doc needs it.
 */
export const EXTERNAL_TOOLS = new Set(
  [
    // containers and clusters
    'docker docker-compose podman podman-compose kubectl kustomize kind minikube',
    // data stores and the network
    'psql pg_dump pg_restore redis-cli curl openssl jq',
    // the toolchain
    'git npm java mvn',
    // shell builtins and coreutils
    'cd export echo printf read sleep date cat grep sed awk head tail sort wc cut tr tee xargs',
    'env set true false test base64 sha256sum mkdir rm ls kill wait',
  ]
    .join(' ')
    .split(' '),
);

/** Shell words that start or end a compound command: what follows them is the command. */
const SHELL_KEYWORDS = new Set(
  'while until do done for if then else elif fi { } ! time'.split(' '),
);

/** pnpm's own commands (not scripts); `exec`, `run` and `--filter`/`-C` are handled apart. */
const PNPM_COMMANDS = new Set(
  'install i add remove update why list ls outdated rebuild store dlx licenses audit'.split(' '),
);

/** What starts a command of this repository's own. */
const OUR_LAUNCHERS = new Set(['pnpm', 'node', 'bash', 'sh']);

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

/** The fenced code blocks of a markdown text: language, body, and the line the body starts on. */
export function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let open = null;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) {
      if (fence)
        open = {
          indent: fence[1].length,
          fence: fence[2],
          lang: fence[3].toLowerCase(),
          start: i + 2,
          body: [],
        };
    } else if (
      fence &&
      fence[2].startsWith(open.fence) &&
      !lines[i].trim().slice(fence[2].length)
    ) {
      blocks.push({ lang: open.lang, line: open.start, body: open.body.join('\n') });
      open = null;
    } else {
      open.body.push(lines[i].slice(Math.min(open.indent, lines[i].search(/\S|$/))));
    }
  }
  return blocks;
}

/**
 * Splits a shell line into simple commands, each a list of words, quotes removed: on `|`, `&&`,
 * `||`, `;`, `&`, and the inside of each `$(…)` as commands of their own. A `#` starting a
 * word begins a comment. Enough shell for documentation, not a full parser.
 */
export function simpleCommands(line) {
  const commands = [];
  let words = [];
  let word = null;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) text += line[++j];
        else if (line.startsWith('$(', j)) {
          const end = closingParen(line, j + 1);
          commands.push(...simpleCommands(line.slice(j + 2, end)));
          text += '$(…)';
          j = end;
        } else text += line[j];
      }
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (line.startsWith('$((', i)) {
      // Arithmetic, not a command.
      const end = closingParen(line, i + 1);
      word = (word ?? '') + line.slice(i, end + 1);
      i = end;
    } else if (line.startsWith('$(', i)) {
      const end = closingParen(line, i + 1);
      commands.push(...simpleCommands(line.slice(i + 2, end)));
      word = (word ?? '') + '$(…)';
      i = end;
    } else if (c === '#' && word === null) {
      break;
    } else if (c === '|' || c === ';' || c === '&') {
      if (line[i + 1] === c) i++;
      endCommand();
    } else if (c === '(' || c === ')') {
      endCommand();
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word = (word ?? '') + c;
    }
  }
  endCommand();
  return commands;
}

function closingParen(line, open) {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return i;
  }
  return line.length;
}

/** The lines of a block that are commands (continuation lines joined), with their offsets in it. */
export function commandLines(block) {
  const joined = [];
  let pending = null;
  block.body.split('\n').forEach((raw, offset) => {
    let text = raw;
    if (pending === null && block.lang === 'console') {
      // A console block shows a prompt before each command; the rest is output.
      if (!/^\s*\$ /.test(text)) return;
      text = text.replace(/^\s*\$ /, '');
    }
    const start = pending ?? { text: '', offset };
    if (/\\$/.test(text))
      pending = { text: `${start.text}${text.slice(0, -1)} `, offset: start.offset };
    else {
      joined.push({ text: start.text + text, offset: start.offset });
      pending = null;
    }
  });
  if (pending) joined.push(pending);
  return joined.filter((l) => l.text.trim() && !/^\s*#/.test(l.text));
}

/** The workspace: root scripts, packages by name and directory, their scripts and bins. */
export function readWorkspace(root) {
  const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
  const rootPackage = readJson(path.join(root, 'package.json'));
  const patterns = existsSync(path.join(root, 'pnpm-workspace.yaml'))
    ? [
        ...readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(
          /^\s*-\s*['"]?([^'"\s]+)/gm,
        ),
      ].map((m) => m[1])
    : [];
  const packages = [];
  for (const pattern of patterns) {
    const dirs = pattern.endsWith('/*')
      ? listDirs(path.join(root, pattern.slice(0, -2))).map((d) =>
          path.join(pattern.slice(0, -2), d),
        )
      : [pattern];
    for (const dir of dirs) {
      const file = path.join(root, dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = readJson(file);
      packages.push({
        dir,
        name: pkg.name,
        scripts: pkg.scripts ?? {},
        bin: binNames(pkg),
        dependencies: { ...pkg.dependencies, ...pkg.devDependencies },
      });
    }
  }
  return { root, scripts: rootPackage.scripts ?? {}, packages };
}

function listDirs(dir) {
  return existsSync(dir)
    ? readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory())
    : [];
}

function binNames(pkg) {
  if (!pkg.bin) return [];
  return typeof pkg.bin === 'string' ? [pkg.name.split('/').pop()] : Object.keys(pkg.bin);
}

/**
 * What is wrong with one simple command (words), or null when it names something that exists.
 * `context.cwd` is the directory (relative to the root) a `cd` earlier in the block moved to;
 * `context.functions` the shell functions the block defined.
 */
export function problemWith(words, workspace, context) {
  let w = words;
  while (w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) w = w.slice(1); // VAR=value
  while (w.length && SHELL_KEYWORDS.has(w[0])) w = w.slice(1);
  if (!w.length) return null;
  const [tool, ...args] = w;
  const fromCwd = (p) => path.join(workspace.root, context.cwd, p);
  if (context.functions.has(tool)) return null;
  if (tool === 'pnpm') return pnpmProblem(args, workspace, context);
  if (tool === 'bash' || tool === 'sh') {
    const file = args.find((a) => !a.startsWith('-'));
    if (args.includes('-c') || !file) return null;
    return existsSync(fromCwd(file)) ? null : `${file} does not exist`;
  }
  if (tool === 'node') {
    if (args.some((a) => /^-[a-z]*[ep]$/.test(a) || a === '--eval' || a === '--print')) return null;
    const file = args.find((a) => !a.startsWith('-'));
    return file ? nodeFileProblem(file, workspace, context) : null;
  }
  if (tool.includes('/')) return existsSync(fromCwd(tool)) ? null : `${tool} does not exist`;
  if (tool === 'cd') {
    if (args[0] && !args[0].includes('$')) {
      if (!existsSync(fromCwd(args[0]))) return `cd ${args[0]}: no such directory`;
      context.cwd = path.join(context.cwd, args[0]);
    }
    return null;
  }
  if (!EXTERNAL_TOOLS.has(tool))
    return `${tool} is neither in this repository nor an allowed external tool (infra/scripts/check-docs.mjs)`;
  // Kustomize directories and manifest files named in the repository must exist.
  if (tool === 'kubectl' || tool === 'kustomize') {
    for (let i = 0; i < args.length; i++) {
      const dir =
        args[i] === '-k' || args[i] === 'kustomize' || (tool === 'kustomize' && args[i] === 'build')
          ? args[i + 1]
          : null;
      if (dir && !dir.includes('$') && !dir.startsWith('http') && !existsSync(fromCwd(dir)))
        return `${dir} does not exist`;
    }
  }
  return null;
}

/** node <file>: the file exists, or it is a compiled dist/*.js whose src/*.ts exists in a package that builds. */
function nodeFileProblem(file, workspace, context) {
  const full = path.join(workspace.root, context.cwd, file);
  if (existsSync(full)) return null;
  const source = full
    .replace(`${path.sep}dist${path.sep}`, `${path.sep}src${path.sep}`)
    .replace(/\.js$/, '.ts');
  const pkgDir = full.slice(0, full.indexOf(`${path.sep}dist${path.sep}`));
  const pkg = workspace.packages.find((p) => path.join(workspace.root, p.dir) === pkgDir);
  if (source !== full && existsSync(source) && pkg?.scripts.build) return null;
  return `${file} does not exist (nor does a source it is built from)`;
}

function pnpmProblem(args, workspace, context) {
  let pkg = null;
  let rest = args;
  const findPackage = (selector) =>
    workspace.packages.find(
      (p) =>
        p.name === selector ||
        path.normalize(p.dir) === path.normalize(path.join(context.cwd, selector)),
    );
  while (rest.length && rest[0].startsWith('-')) {
    const [flag, value] = rest;
    if (flag === '--filter' || flag === '-F' || flag === '-C' || flag === '--dir') {
      pkg = findPackage(value);
      if (!pkg) return `pnpm ${flag} ${value}: no such workspace package`;
      rest = rest.slice(2);
    } else if (/^--(filter|dir)=/.test(flag)) {
      const selector = flag.split('=')[1];
      pkg = findPackage(selector);
      if (!pkg) return `pnpm ${flag}: no such workspace package`;
      rest = rest.slice(1);
    } else rest = rest.slice(1); // --silent, -r, ...
  }
  const [command, ...more] = rest;
  if (!command) return null;
  const scripts = pkg ? pkg.scripts : workspace.scripts;
  const where = pkg ? pkg.name : 'the root package.json';
  if (command === 'exec') {
    const bin = more.find((a) => !a.startsWith('-'));
    return bin && !hasBin(bin, pkg, workspace)
      ? `pnpm exec ${bin}: no such bin for ${where}`
      : null;
  }
  if (command === 'run') {
    const script = more[0];
    return script && !(script in scripts) ? `pnpm run ${script}: no such script in ${where}` : null;
  }
  if (PNPM_COMMANDS.has(command)) return null;
  return command in scripts ? null : `pnpm ${command}: no such script in ${where}`;
}

/**
 * What `pnpm exec` finds: the package's node_modules/.bin and the root's. Before an install,
 * a bin of a workspace package it depends on (or of the package itself at the root) counts.
 */
function hasBin(bin, pkg, workspace) {
  const dirs = [pkg?.dir, '.']
    .filter(Boolean)
    .map((d) => path.join(workspace.root, d, 'node_modules/.bin', bin));
  if (dirs.some((file) => existsSync(file))) return true;
  const deps = pkg ? Object.keys(pkg.dependencies) : workspace.packages.map((p) => p.name);
  return workspace.packages.some((p) => deps.includes(p.name) && p.bin.includes(bin));
}

/** The markdown files the check reads: README.md and everything under docs/. */
export function docFiles(root) {
  const files = existsSync(path.join(root, 'README.md')) ? ['README.md'] : [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) files.push(rel);
    }
  };
  if (existsSync(path.join(root, 'docs'))) walk('docs');
  return files;
}

/** Every problem of every command in the docs, as `file:line: command — problem`. */
export function checkDocs(root) {
  const workspace = readWorkspace(root);
  const problems = [];
  let commands = 0;
  for (const file of docFiles(root)) {
    for (const block of codeBlocks(readFileSync(path.join(root, file), 'utf8'))) {
      const shell = SHELL_LANGS.has(block.lang);
      if (!shell && block.lang !== '') continue;
      const context = { cwd: '.', functions: new Set() };
      for (const { text, offset } of commandLines(block)) {
        // `name() { …; }` defines a command the rest of the block may use.
        const definition = /^\s*([A-Za-z_][\w-]*)\s*\(\)\s*/.exec(text);
        if (definition) context.functions.add(definition[1]);
        const line = definition ? text.slice(definition[0].length) : text;
        for (const words of simpleCommands(line)) {
          // A plain block is checked only where a line starts like a command of ours.
          const [first] = words;
          if (
            !shell &&
            !OUR_LAUNCHERS.has(first) &&
            !first.startsWith('./') &&
            !EXTERNAL_TOOLS.has(first)
          )
            continue;
          commands++;
          const problem = problemWith(words, workspace, context);
          if (problem) {
            problems.push(`${file}:${block.line + offset}: ${words.join(' ')} — ${problem}`);
          }
        }
      }
    }
  }
  return { problems, commands };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--root');
  const root =
    at > 0
      ? path.resolve(process.argv[at + 1])
      : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const { problems, commands } = checkDocs(root);
  for (const problem of problems) console.error(problem);
  if (problems.length) {
    console.error(
      `docs: ${problems.length} of ${commands} commands name something that does not exist`,
    );
    process.exit(1);
  }
  console.log(`docs: all ${commands} commands name something that exists`);
}
