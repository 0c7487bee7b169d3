import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_SERVO, UNKNOWN_APP, appNameInUrl, isOverrides, servoApp } from '../../../src/targets/servo-fleet/routes.js';

test('servo URLs are matched without regex', () => {
  const cases: [string, number][] = [
    ['/accounts/acme/applications/app00042/servo', 42],
    ['/accounts/acme/applications/app00042/servo?x=1', 42],
    ['/accounts/a/applications/app04999/servo', 4999],
    ['/accounts/acme/applications/app05000/servo', UNKNOWN_APP],
    ['/accounts/acme/applications/bogus/servo', UNKNOWN_APP],
    ['/accounts/acme/applications/app00042/servos', NOT_SERVO],
    ['/accounts/acme/applications/app00042', NOT_SERVO],
    ['/accounts//applications/app00042/servo', NOT_SERVO],
    ['/accounts/acme/application-overrides', NOT_SERVO],
    ['/', NOT_SERVO],
  ];
  for (const [url, expected] of cases) assert.equal(servoApp(url, 5000), expected, url);
  assert.equal(appNameInUrl('/accounts/a/applications/app%2099/servo'), 'app 99');
  assert.equal(appNameInUrl('/accounts/a/applications/app%zz/servo'), 'app%zz');
  assert.equal(isOverrides('/accounts/acme/application-overrides'), true);
  assert.equal(isOverrides('/accounts/acme/application-overrides/x'), false);
  assert.equal(isOverrides('/accounts//application-overrides'), false);
});
