/**
 * What the main side needs of training: how to start a training process and what it says. The
 * tensor code (loop, model, checkpoints) runs only inside that process and is not exported here,
 * so importing this never loads tfjs.
 */
export {
  defaultTrainerLaunch,
  forkTrainerLaunch,
  resolveTrainerEntry,
  type LaunchTrainer,
  type TrainerEntry,
  type TrainerProcess,
} from './launch'
export { isTrainerToMain, type MainToTrainer, type TrainerToMain } from './protocol'
