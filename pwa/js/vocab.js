// The logbook vocabulary. The server's GET /vocabulary refreshes it; this copy works offline.

export const DEFAULT_VOCABULARY = {
  regions: [
    { code: 'shoulder', label: 'Shoulder' },
    { code: 'elbow', label: 'Elbow' },
    { code: 'wrist_hand', label: 'Wrist & hand' },
    { code: 'hip_groin', label: 'Hip & groin' },
    { code: 'knee', label: 'Knee' },
    { code: 'ankle_foot', label: 'Ankle & foot' },
    { code: 'other', label: 'Other' },
  ],
  sides: [
    { code: 'left', label: 'Left' },
    { code: 'right', label: 'Right' },
    { code: 'bilateral', label: 'Bilateral' },
    { code: 'not_applicable', label: 'N/A' },
  ],
  activities: [
    { code: 'diagnostic', label: 'Diagnostic' },
    { code: 'injection', label: 'Injection' },
    { code: 'diagnostic_injection', label: 'Diagnostic + injection' },
  ],
  supervision_levels: [
    { code: 'observed', label: 'Observed' },
    { code: 'direct', label: 'Direct' },
    { code: 'indirect', label: 'Indirect' },
    { code: 'independent', label: 'Independent' },
    { code: 'teaching', label: 'Teaching' },
  ],
  findings: [
    'normal', 'effusion', 'synovitis', 'tenosynovitis', 'bursitis', 'enthesopathy',
    'tendinopathy', 'partial tear', 'full-thickness tear', 'calcification', 'ganglion/cyst',
    'impingement', 'erosion', 'subluxation',
  ].map((label) => ({ code: label, label })),
  technical_issues: [
    'body habitus', 'anisotropy', 'limited views', 'patient positioning', 'pain limited',
    'deep structure',
  ].map((label) => ({ code: label, label })),
};

/** The vocabulary merged over the default, so a partial server answer still leaves every list. */
export function mergeVocabulary(fromServer) {
  const merged = { ...DEFAULT_VOCABULARY };
  for (const [key, value] of Object.entries(fromServer || {})) {
    if (Array.isArray(value) && value.length) {
      merged[key] = value.map((v) => (typeof v === 'string' ? { code: v, label: v } : v));
    }
  }
  return merged;
}

/** The label of a code in one list, or the code itself. */
export function labelOf(vocabulary, list, code) {
  const item = (vocabulary[list] || []).find((v) => v.code === code);
  return item ? item.label : code;
}
