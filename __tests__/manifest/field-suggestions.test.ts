import { fieldsAt } from '../../modules/manifest/schema-problems';
import { exampleManifest, manifestProblems } from '../helpers/synth';


describe('field suggestions', () => {
  test('lists the fields of a service', () => {
    expect(fieldsAt(['services', 'any'])).toEqual(expect.arrayContaining(['containers', 'gateway', 'taskRole', 'network']));
  });

  test('lists both forms of a secret source', () => {
    expect(fieldsAt(['services', 'any', 'containers', 'app', 'secrets', 'VAR']).sort()).toEqual(['jsonKey', 'kmsKey', 'parameter', 'secret', 'versionId', 'versionStage']);
  });

  test('a misspelt required field is one problem with a suggestion', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].contianers = manifest.services['my-app1'].containers;
    delete manifest.services['my-app1'].containers;
    const found = manifestProblems(manifest);
    expect(found.map((problem) => [problem.id, problem.path])).toEqual([['field-unknown', 'services.my-app1.contianers']]);
    expect(found[0].fix).toBe('did you mean `containers`? Otherwise remove the field');
  });

  test('a misspelt optional field gets a suggestion', () => {
    const manifest = exampleManifest();
    manifest.accounts.prod.stateBukcet = manifest.accounts.prod.stateBucket;
    expect(manifestProblems(manifest)[0].fix).toContain('did you mean `stateBucket`?');
  });

  test('an unrelated field gets no suggestion', () => {
    const manifest = exampleManifest();
    manifest.accounts.prod.costCentre = 'finance';
    expect(manifestProblems(manifest)[0].fix).toBe('remove the field or check its spelling against schema/manifest.schema.json');
  });
});
