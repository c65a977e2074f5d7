// jest globalTeardown of the files that share one platform: stops it, every exit clean.
import { stopSharedPlatform } from '@switchyard/testing';

export default stopSharedPlatform;
