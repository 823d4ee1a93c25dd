// Configuration for @vscode/test-cli (`vscode-test`), for people who have it: the same in-editor suite that
// `npm run test:electron` runs through @vscode/test-electron (test/electron/electron.test.ts). Plain data, so it
// loads with the project's declared dependencies alone; the type comment is only for editors.
// Desktop VS Code is taken from VSCODE_EXECUTABLE; nothing is downloaded.
const executable = process.env.VSCODE_EXECUTABLE;
if (!executable)
  throw new Error('Set VSCODE_EXECUTABLE to a desktop VS Code binary to run the @vscode/test-electron suite.');

/** @type {import('@vscode/test-cli').TestConfiguration} */
export default {
  files: 'out/test/electron/suite/index.js',
  useInstallation: { fromPath: executable },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
};
