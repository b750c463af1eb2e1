import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAssemblyTypes, staleBuild } from './jsii-assembly';

describe('the jsii assembly the tests read', () => {
  test('is read when the build is newer than every source', () => {
    expect(staleBuild()).toBeUndefined();
    expect(loadAssemblyTypes()['cdk-safe-eks.SafeCluster']).toEqual(expect.objectContaining({ kind: 'class' }));
  });

  // On a repo of its own: touching this repo's sources would make a concurrent test file rebuild.
  test('is refused when missing, or naming the source that changed after the build', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-safe-eks-stale-'));
    fs.mkdirSync(path.join(root, 'lib', 'model'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'model', 'a.ts'), '');
    expect(staleBuild(root)).toBe('the build (.jsii, dist/) is missing');
    fs.mkdirSync(path.join(root, 'dist', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'lib', 'index.js'), '');
    fs.writeFileSync(path.join(root, '.jsii'), '{}');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'lib', 'model', 'a.ts'), later, later);
    expect(staleBuild(root)).toBe('lib/model/a.ts is newer than the build');
    fs.utimesSync(path.join(root, '.jsii'), later, new Date(later.getTime() + 1000));
    expect(staleBuild(root)).toBeUndefined();
  });
});
