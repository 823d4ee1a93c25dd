// DJ160–169: DataJoint dependency pins and the workspace's DataJoint line.
export { analyzePins, pinRules, type PinOptions } from './rules';
export { detectDataJointPin, findPinFiles, type DataJointLine, type DataJointPin } from './detect';
export { locateDataJointPins, pinFileKind, type PinSite, type PinFileKind } from './locate';
export { MIN_2X, MIN_2X_SPEC } from './classify';
export {
  configFileExports,
  featureUses,
  projectFloor,
  renderFloorTable,
  RELEASE_FLOORS,
  type ProjectFloor,
  type ReleaseFloor,
} from './floors';
export { isPackagingScript } from './setupScript';
