import { describe, expect, it } from 'vitest';
import { evaluatePolicy, keyArn, type PolicyRequest, parsePolicy } from '../../src/index.ts';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const key = (account: string, id = 'AKIAEXAMPLEKEY00001') => ({ account, arn: keyArn(account, id) });

function policy(...statements: Record<string, unknown>[]) {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
}

function verdict(statements: Record<string, unknown>[], request: PolicyRequest) {
  return evaluatePolicy(policy(...statements), request);
}

describe('a repository policy', () => {
  it('matches actions with IAM wildcards, case-insensitively', () => {
    const allow = (Action: unknown) => [{ Effect: 'Allow', Principal: '*', Action }];
    expect(verdict(allow('ecr:*'), { action: 'ecr:PutImage' })).toBe('Allow');
    expect(verdict(allow('ecr:Batch*'), { action: 'ecr:BatchGetImage' })).toBe('Allow');
    expect(verdict(allow('ecr:Batch*'), { action: 'ecr:PutImage' })).toBe('None');
    expect(verdict(allow('ECR:batchgetimage'), { action: 'ecr:BatchGetImage' })).toBe('Allow');
    expect(verdict(allow(['ecr:PutImag?', 's3:*']), { action: 'ecr:PutImage' })).toBe('Allow');
    expect(verdict(allow('*'), { action: 'ecr:DeleteRepository' })).toBe('Allow');
    expect(verdict(allow('ecr:Get*'), { action: 'ecr:BatchGetImage' })).toBe('None');
  });

  it('lets an explicit Deny win over any Allow, whatever their order', () => {
    const deny = { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'ecr:BatchDeleteImage' };
    const allow = { Effect: 'Allow', Principal: '*', Action: 'ecr:*' };
    const request = { action: 'ecr:BatchDeleteImage', ...key(ACCOUNT) };
    expect(verdict([allow, deny], request)).toBe('Deny');
    expect(verdict([deny, allow], request)).toBe('Deny');
    expect(verdict([deny, allow], { action: 'ecr:BatchDeleteImage', ...key(OTHER) })).toBe('Allow');
  });

  it('names callers by *, an account id, its root ARN, or one key ARN; anonymous only by *', () => {
    const allowFor = (AWS: unknown) => [{ Effect: 'Allow', Principal: { AWS }, Action: 'ecr:BatchGetImage' }];
    const pull = (who: Omit<PolicyRequest, 'action'>) => ({ action: 'ecr:BatchGetImage', ...who });
    expect(verdict(allowFor('*'), pull({}))).toBe('Allow');
    expect(verdict([{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }], pull({}))).toBe(
      'Allow',
    );
    expect(verdict(allowFor(ACCOUNT), pull({}))).toBe('None');
    expect(verdict(allowFor(ACCOUNT), pull(key(ACCOUNT)))).toBe('Allow');
    expect(verdict(allowFor(`arn:aws:iam::${ACCOUNT}:root`), pull(key(ACCOUNT)))).toBe('Allow');
    expect(verdict(allowFor(ACCOUNT), pull(key(OTHER)))).toBe('None');
    const one = keyArn(OTHER, 'AKIAEXAMPLEKEY00001');
    expect(one).toBe(`arn:aws:iam::${OTHER}:user/AKIAEXAMPLEKEY00001`);
    expect(verdict(allowFor([one]), pull(key(OTHER)))).toBe('Allow');
    expect(verdict(allowFor([one]), pull(key(OTHER, 'AKIAEXAMPLEKEY00002')))).toBe('None');
  });

  it('negates with NotPrincipal and NotAction', () => {
    const notMe = [{ Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT }, Action: 'ecr:*' }];
    expect(verdict(notMe, { action: 'ecr:PutImage', ...key(ACCOUNT) })).toBe('None');
    expect(verdict(notMe, { action: 'ecr:PutImage', ...key(OTHER) })).toBe('Deny');
    expect(verdict(notMe, { action: 'ecr:PutImage' })).toBe('Deny');
    const allButDelete = [
      { Effect: 'Allow', Principal: '*', NotAction: ['ecr:Delete*', 'ecr:BatchDelete*'] },
    ];
    expect(verdict(allButDelete, { action: 'ecr:PutImage' })).toBe('Allow');
    expect(verdict(allButDelete, { action: 'ecr:BatchDeleteImage' })).toBe('None');
  });

  it('evaluates the principal condition keys, a missing key failing positive tests only', () => {
    const onlyAccount = [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'ecr:BatchGetImage',
        Condition: { StringEquals: { 'aws:PrincipalAccount': [OTHER] } },
      },
    ];
    expect(verdict(onlyAccount, { action: 'ecr:BatchGetImage', ...key(OTHER) })).toBe('Allow');
    expect(verdict(onlyAccount, { action: 'ecr:BatchGetImage', ...key(ACCOUNT) })).toBe('None');
    expect(verdict(onlyAccount, { action: 'ecr:BatchGetImage' })).toBe('None');
    const notLike = [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'ecr:*',
        Condition: { StringNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:*` } },
      },
    ];
    expect(verdict(notLike, { action: 'ecr:PutImage', ...key(ACCOUNT) })).toBe('None');
    expect(verdict(notLike, { action: 'ecr:PutImage', ...key(OTHER) })).toBe('Deny');
    expect(verdict(notLike, { action: 'ecr:PutImage' })).toBe('Deny');
  });
});

describe('parsePolicy', () => {
  const refusals: [string, string][] = [
    ['{"Version":', 'the text is not JSON'],
    ['[]', 'the policy must be a JSON object'],
    ['{"Statement":[]}', 'Version must be'],
    ['{"Version":"2012-10-17","Statement":[]}', 'the policy has no Statement'],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"ecr:*"}]}',
      'Effect must be',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*"}]}',
      'exactly one of Principal',
    ],
    ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*"}]}', 'exactly one of Action'],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:SourceIp":"1.2.3.4"}}}]}',
      'condition key "aws:SourceIp" is not supported',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"IpAddress":{"aws:PrincipalAccount":"1"}}}]}',
      'condition operator "IpAddress" is not supported',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"x.amazonaws.com"},"Action":"ecr:*"}]}',
      'Principal type "Service" is not supported',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"ecr:*"}]}',
      'Principal "bob" is not',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Resource":"*"}]}',
      '"Resource" is not supported',
    ],
  ];

  it.each(refusals)('refuses %s with InvalidParameterException naming the fault', (text, detail) => {
    let error: unknown;
    try {
      parsePolicy(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'InvalidParameterException' });
    expect((error as Error).message).toContain(
      "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided: ",
    );
    expect((error as Error).message).toContain(detail);
  });

  it('takes one Statement object as a list of one, and the 2008 version', () => {
    const parsed = parsePolicy(
      '{"Version":"2008-10-17","Statement":{"Sid":"pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}}',
    );
    expect(parsed.statements).toHaveLength(1);
  });
});
