// A jest reporter that writes one package's totals to SWITCHYARD_TEST_RESULTS_DIR, so
// infra/scripts/test.sh can print one closing line for the whole workspace.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export default class ResultsReporter {
  onRunComplete(_contexts, results) {
    const dir = process.env.SWITCHYARD_TEST_RESULTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const name = path.basename(process.cwd()) + '-' + process.pid;
    writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        package: path.relative(path.resolve(dir, '../..'), process.cwd()),
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        suiteErrors: results.numRuntimeErrorTestSuites,
        // A suite can fail with every test passing (an afterAll check, e.g. the OpenAPI one).
        failedSuites: results.numFailedTestSuites,
        // Named here so the closing lines of a CI log say what failed, even when the
        // log is cut to its tail.
        failures: describeFailures(results),
        // When the package's run started and ended, so the summary can show how the packages
        // shared the run (TEST_CONCURRENCY lanes) and which one was its tail.
        startedAt: results.startTime,
        endedAt: Date.now(),
        // Wall time per test file, so the summary can name where CI's minutes go.
        durations: results.testResults.map((suite) => ({
          file: path.relative(process.cwd(), suite.testFilePath),
          seconds: (suite.perfStats.end - suite.perfStats.start) / 1000,
        })),
      }),
    );
  }
}

function describeFailures(results) {
  const failures = [];
  for (const suite of results.testResults) {
    const file = path.relative(process.cwd(), suite.testFilePath);
    if (suite.testExecError)
      failures.push({ file, test: '(suite)', error: firstLine(suite.testExecError.message) });
    else if (suite.failureMessage && suite.numFailingTests === 0)
      failures.push({ file, test: '(suite)', error: firstLine(suite.failureMessage) });
    for (const test of suite.testResults) {
      if (test.status === 'failed')
        failures.push({
          file,
          test: test.fullName,
          error: firstLine(test.failureMessages[0] ?? ''),
        });
    }
  }
  return failures;
}

function firstLine(text) {
  // Jest colours its messages; strip the escapes and keep the first meaningful line.
  const plain = stripVTControlCharacters(String(text));
  return plain
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' | ')
    .slice(0, 400);
}
