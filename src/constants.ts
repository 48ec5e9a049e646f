// Names, not strings: every input, output and state key the action uses.
// A unit test checks these against action.yml in both directions.

export enum Inputs {
  // what to measure
  Image = 'image',
  Archive = 'archive',
  Context = 'context',
  File = 'file',
  Target = 'target',
  BuildArgs = 'build-args',
  BuildSecrets = 'build-secrets',
  Platform = 'platform',
  Network = 'network',
  CacheFrom = 'cache-from',
  CacheTo = 'cache-to',
  KeepImage = 'keep-image',
  Images = 'images',
  Name = 'name',
  // what to do
  Mode = 'mode',
  DataBranch = 'data-branch',
  BaselineFallback = 'baseline-fallback',
  // the verdict
  MaxSize = 'max-size',
  MaxIncrease = 'max-increase',
  WarnIncrease = 'warn-increase',
  IgnoreBaseChange = 'ignore-base-change',
  FailOnHints = 'fail-on-hints',
  IgnoreHints = 'ignore-hints',
  PythonBytecode = 'python-bytecode',
  AcceptLabel = 'accept-label',
  // where it shows
  Comment = 'comment',
  CommentKey = 'comment-key',
  Status = 'status',
  Suggestions = 'suggestions',
  TrendLength = 'trend-length',
  ArtifactName = 'artifact-name',
  Leg = 'leg',
  Legs = 'legs',
  FailOnMissing = 'fail-on-missing',
  KeepBaselines = 'keep-baselines',
  GithubToken = 'github-token',
  // reading
  EstimateCompressed = 'estimate-compressed',
  MaxEntries = 'max-entries',
  MaxPathLength = 'max-path-length',
  MaxJsonSize = 'max-json-size',
  InsecureRegistries = 'insecure-registries',
  RegistryRead = 'registry-read'
}

export enum Outputs {
  Verdict = 'verdict',
  SizeBytes = 'size-bytes',
  CompressedBytes = 'compressed-bytes',
  BaseSizeBytes = 'base-size-bytes',
  DeltaBytes = 'delta-bytes',
  DeltaPercent = 'delta-percent',
  ReclaimableBytes = 'reclaimable-bytes',
  BaselineSha = 'baseline-sha',
  BaselineMethod = 'baseline-method',
  ReportPath = 'report-path',
  Results = 'results',
  CommentUrl = 'comment-url',
  ArtifactPath = 'artifact-path',
  ArtifactName = 'artifact-name',
  SarifPath = 'sarif-path'
}

export const DEFAULT_DATA_BRANCH = 'image-size-guard-data'
export const DEFAULT_ACCEPT_LABEL = 'image-size-accepted'
export const DEFAULT_ARTIFACT_NAME = 'image-size-guard-report'
export const CONFIG_FILE = '.github/image-size-guard.yml'
