import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AdapterError, toAdapterError } from '../../shared/errors.ts';
import type { IamDirectory } from '../../usecases/ports.ts';

export function createIamDirectory(client: IAMClient): IamDirectory {
  return {
    async getRoleArn(roleName) {
      try {
        const { Role } = await client.send(new GetRoleCommand({ RoleName: roleName }));
        return Role?.Arn;
      } catch (error) {
        const adapterError = toAdapterError(error);
        if (adapterError instanceof AdapterError && adapterError.code === 'aws_not_found') return undefined;
        throw adapterError;
      }
    },
  };
}
