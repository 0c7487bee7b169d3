import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOverrides, servoAppSegment } from '../../../src/targets/servo-fleet/routes.js';

test('servo paths are matched without regex; the {app} segment comes back as sent', () => {
  const cases: [string, string | undefined][] = [
    ['/accounts/acme/applications/app00042/servo', 'app00042'],
    ['/accounts/a/applications/my-service/servo', 'my-service'],
    ['/accounts/a/applications/app%2099/servo', 'app%2099'],
    ['/accounts/acme/applications/app00042/servos', undefined],
    ['/accounts/acme/applications/app00042', undefined],
    ['/accounts/acme/applications//servo', undefined],
    ['/accounts//applications/app00042/servo', undefined],
    ['/accounts/acme/application-overrides', undefined],
    ['/', undefined],
  ];
  for (const [path, expected] of cases) assert.equal(servoAppSegment(path), expected, path);
  assert.equal(isOverrides('/accounts/acme/application-overrides'), true);
  assert.equal(isOverrides('/accounts/acme/application-overrides/x'), false);
  assert.equal(isOverrides('/accounts//application-overrides'), false);
});
