// DJ140–159: DataJoint configuration files (dj_local_conf.json, ~/.datajoint_config.json, datajoint.json, .secrets/).
export {
  analyzeConfigFile,
  configFileKind,
  SECRETS_GITIGNORE,
  type ConfigFileKind,
  type ConfigFileOptions,
} from './analyze';
export { configFileRules } from './rules';
export { convert014, type Converted, type ConfigIssue, type SecretFile } from './convert';
