// jest globalSetup of the files that share one platform (jest.config.js).
import { startSharedPlatform } from '@switchyard/testing';

export default startSharedPlatform;
