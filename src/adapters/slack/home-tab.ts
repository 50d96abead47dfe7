import type { WebClient } from '@slack/web-api';
import { toAdapterError } from '../../shared/errors.ts';
import type { HomeTab } from '../../usecases/ports/chat.ts';
import { renderHomeBlocks } from './render/block-kit.ts';

/** The HomeTab port over `views.publish` (https://docs.slack.dev/reference/methods/views.publish). */
export function createSlackHomeTab(client: WebClient): HomeTab {
  return {
    async publish(user, view) {
      try {
        const result = await client.views.publish({
          user_id: user,
          view: { type: 'home', blocks: renderHomeBlocks(view) },
        });
        return { viewId: result.view?.id ?? '' };
      } catch (error) {
        throw toAdapterError(error);
      }
    },
  };
}
