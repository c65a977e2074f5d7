// A profiled run's summary: per phase and per profiled process, where the CPU went.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@switchyard/testing';
import {
  mainThreadProfile,
  summariseProfile,
  type ProfileSummary,
  type Window,
} from './cpu-profile.js';

export async function printProfiles(
  dir: string,
  processes: readonly string[],
  phases: { name: string; window: Window }[],
): Promise<void> {
  const out: Record<string, Record<string, ProfileSummary>> = {};
  for (const name of processes) {
    const file = await mainThreadProfile(path.join(dir, name)).catch(() => null);
    if (!file) {
      console.log(`no profile for ${name} (did it exit cleanly?)`);
      continue;
    }
    for (const phase of phases) {
      const summary = await summariseProfile(file, 5, phase.window);
      (out[phase.name] ??= {})[name] = summary;
      console.log(
        `\n--- ${phase.name} — ${name}: busy ${(summary.busyShare * 100).toFixed(0)} % of one core`,
      );
      for (const t of summary.top)
        console.log(`  ${(t.selfShare * 100).toFixed(1).padStart(5)} %  ${t.what}`);
      console.log('  by package:');
      for (const t of summary.byPackage)
        console.log(`  ${(t.selfShare * 100).toFixed(1).padStart(5)} %  ${t.what}`);
      console.log("  by package, Node's work charged to the package that asked for it:");
      for (const t of summary.byCaller)
        console.log(`  ${(t.selfShare * 100).toFixed(1).padStart(5)} %  ${t.what}`);
    }
  }
  const target = path.join(repoRoot(), 'bench/results');
  await mkdir(target, { recursive: true });
  await writeFile(path.join(target, 'profile.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`\nprofiles: ${dir}; summary in bench/results/profile.json`);
}
