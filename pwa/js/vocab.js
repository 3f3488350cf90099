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
  // Codes as the server's; the labels stay short and lower case (they go into note-form text).
  findings: [
    ['normal', 'normal'], ['effusion', 'effusion'], ['synovitis', 'synovitis'],
    ['tenosynovitis', 'tenosynovitis'], ['bursitis', 'bursitis'], ['enthesopathy', 'enthesopathy'],
    ['tendinopathy', 'tendinopathy'], ['partial_tear', 'partial tear'],
    ['full_thickness_tear', 'full-thickness tear'], ['calcification', 'calcification'],
    ['ganglion_cyst', 'ganglion/cyst'], ['impingement', 'impingement'], ['erosion', 'erosion'],
    ['subluxation', 'subluxation'],
  ].map(([code, label]) => ({ code, label })),
  technical_issues: [
    'body habitus', 'anisotropy', 'limited views', 'patient positioning', 'pain limited',
    'deep structure',
  ].map((label) => ({ code: label, label })),
};

// Suggestions for the clinical question (phone only: the server has no list for it).
DEFAULT_VOCABULARY.clinical_questions = [
  'pain', 'swelling', '?tear', '?effusion', 'reduced range', 'lump', 'pre-injection', 'follow-up',
].map((label) => ({ code: label, label }));

/**
 * The vocabulary merged over the default, so a partial server answer still leaves every list.
 * A code this phone knows keeps its short label (the button); the server's longer wording, when
 * it differs, becomes its `description`. Codes only the server knows are added with its label.
 */
export function mergeVocabulary(fromServer) {
  const merged = { ...DEFAULT_VOCABULARY };
  for (const [key, value] of Object.entries(fromServer || {})) {
    if (!Array.isArray(value) || !value.length) continue;
    const known = new Map((DEFAULT_VOCABULARY[key] || []).map((item) => [item.code, item]));
    const items = value.map((v) => (typeof v === 'string' ? { code: v, label: v } : v));
    const described = [...known.values()].map((item) => {
      const server = items.find((v) => v.code === item.code);
      return server && server.label !== item.label ? { ...item, description: server.label } : item;
    });
    merged[key] = [...described, ...items.filter((v) => !known.has(v.code))];
  }
  return merged;
}

/** The label of a code in one list, or the code itself. */
export function labelOf(vocabulary, list, code) {
  const item = (vocabulary[list] || []).find((v) => v.code === code);
  return item ? item.label : code;
}
