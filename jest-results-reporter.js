// A jest reporter that writes one package's totals to SWITCHYARD_TEST_RESULTS_DIR, so
// infra/scripts/test.sh can print one closing line for the whole workspace.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
      }),
    );
  }
}
