// The offline environment is shared with bench/ (which imports nothing from test/).
export { TestStack, testApp, testStack, testVpc } from '../bench/offline-env';
