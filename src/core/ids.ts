// Branded ids keep a Slack user id from being passed where a channel id belongs.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type RequestId = Brand<string, 'RequestId'>;
export type SlackUserId = Brand<string, 'SlackUserId'>;
export type ChannelId = Brand<string, 'ChannelId'>;
export type ClusterName = Brand<string, 'ClusterName'>;
export type PrincipalArn = Brand<string, 'PrincipalArn'>;

export const asRequestId = (value: string): RequestId => value as RequestId;
export const asSlackUserId = (value: string): SlackUserId => value as SlackUserId;
export const asChannelId = (value: string): ChannelId => value as ChannelId;
export const asClusterName = (value: string): ClusterName => value as ClusterName;
export const asPrincipalArn = (value: string): PrincipalArn => value as PrincipalArn;
