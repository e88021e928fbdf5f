/** The task queue every workflow and activity of the engine runs on (one worker pool serves all contexts). */
export const APPLICATION_TASK_QUEUE = 'agrement';
