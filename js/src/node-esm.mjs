// Node ESM entry: the CommonJS build underneath, so `import` and `require`
// share one TruceError class and one set of instances.
import truce from './index.cjs';

export const { init, TruceError } = truce;
export default truce;
