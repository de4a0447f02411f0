export { cacheDir } from './cache-dir';
export { ensureDebian12Tarball, unpackDebian12, debian12TarballPath, DEBIAN12_MIRROR } from './debian12';
