/** Entry point of a generation executor process: runs recipes for its worker host, one at a time. */
import type { WorkerTask } from "../shared/task.ts";
import type { WorkerEvent, WorkerImage } from "./protocol.ts";
import { runTask } from "./run-task.ts";
import { serveTasks } from "./serve.ts";

serveTasks<WorkerTask, WorkerEvent, WorkerImage[]>(runTask);
