// @vscode/test-cli configuration (for people who use `vscode-test`). Desktop VS Code is taken from
// VSCODE_EXECUTABLE; nothing is downloaded. `npm test` runs the same suite through
// test/electron/electron.test.ts, which skips with a message when VSCODE_EXECUTABLE is not set.
import { defineConfig } from '@vscode/test-cli';

const executable = process.env.VSCODE_EXECUTABLE;
if (!executable)
  throw new Error('Set VSCODE_EXECUTABLE to a desktop VS Code binary to run the @vscode/test-electron suite.');

export default defineConfig({
  files: 'out/test/electron/suite/index.js',
  useInstallation: { fromPath: executable },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
});
