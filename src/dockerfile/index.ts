// The Dockerfile, when known: parsed with dockerfile-ast and matched to the image history.

export {
  baseLayerCount,
  mapDockerfileToHistory,
  matchForLayer,
  type DockerfileMap,
  type DockerfileMatch,
  type MapOptions
} from './map.js'
export { parseDockerfile, type ParsedInstruction, type ParsedStage } from './parse.js'
export { expand, unquote } from './expand.js'
