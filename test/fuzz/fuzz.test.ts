// The fuzzers (fast-check properties), run as one test file: each workerd test file costs its own isolate and
// module transforms, several seconds on a small machine, so one file keeps the whole folder well under 10 s.
// Each module below is self-contained; to run one alone, import only it here.
import "./tile-path.ts";
import "./note.ts";
import "./entries.ts";
import "./rekord.ts";
import "./http.ts";
