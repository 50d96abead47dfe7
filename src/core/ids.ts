// Branded ids keep a person's id from being passed where a channel id belongs. A PersonId is whatever the chat
// front end names people by (a Slack user id such as U0123 today); the core never looks inside it.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type RequestId = Brand<string, 'RequestId'>;
export type PersonId = Brand<string, 'PersonId'>;
export type ChannelId = Brand<string, 'ChannelId'>;
export type PrincipalArn = Brand<string, 'PrincipalArn'>;

export const asRequestId = (value: string): RequestId => value as RequestId;
export const asPersonId = (value: string): PersonId => value as PersonId;
export const asChannelId = (value: string): ChannelId => value as ChannelId;
export const asPrincipalArn = (value: string): PrincipalArn => value as PrincipalArn;
