export { Keyring, SecretError, envelopeKeyId, type SecretErrorCode } from './keyring.js';
export { parseMasterKey, masterKeyId, generateMasterKey, MasterKeyError, MASTER_KEY_BYTES } from './master-key.js';
export { loadKeyring, keyringSourceFromEnv, type KeyringSource, type LoadedKeyring } from './load-keyring.js';
export { sealSeed, openSeed } from './seeds.js';
