import { GetRoleCommand, GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { IamFacts } from '../../core/diagnose/evidence.ts';
import { AdapterError, failedCall } from '../../shared/errors.ts';
import type { IamDirectory } from '../../usecases/ports/eks.ts';

export interface IamLookups extends IamDirectory {
  principal(kind: 'user' | 'role', name: string): Promise<IamFacts>;
}

export function createIamDirectory(client: IAMClient): IamLookups {
  return {
    async getRoleArn(roleName) {
      const facts = await this.principal('role', roleName);
      return facts.exists ? facts.arn : undefined;
    },
    async principal(kind, name) {
      try {
        const found =
          kind === 'role'
            ? (await client.send(new GetRoleCommand({ RoleName: name }))).Role
            : (await client.send(new GetUserCommand({ UserName: name }))).User;
        return {
          exists: found !== undefined,
          ...(found?.Arn ? { arn: found.Arn } : {}),
          ...(found?.CreateDate ? { createDate: found.CreateDate.getTime() } : {}),
        };
      } catch (error) {
        const adapterError = failedCall(kind === 'role' ? 'iam:GetRole' : 'iam:GetUser', error);
        if (adapterError instanceof AdapterError && adapterError.code === 'aws_not_found') return { exists: false };
        throw adapterError;
      }
    },
  };
}
