// The repository name field accepts exactly what ECR accepts (the model's rule, through @edgecr/protocol).

import { describe, expect, it } from 'vitest';
import { explainRepositoryName } from '../../src/ui/repositoryName.ts';

describe('explainRepositoryName', () => {
  it.each(['ab', 'team/app', 'team__app', 'web--1', 'a.b_c-d/e---f', 'x'.repeat(256)])(
    'accepts %s',
    (name) => {
      expect(explainRepositoryName(name)).toBeUndefined();
    },
  );

  it.each(['a', 'Team', '_app', 'app-', 'a___b', 'a/', 'a//b', 'a._b', 'x'.repeat(257), 'a b'])(
    'refuses %s with the rule in words',
    (name) => {
      expect(explainRepositoryName(name)).toMatch(/2 to 256 characters: lowercase letters and digits/);
    },
  );
});
