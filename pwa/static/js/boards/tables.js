// Every board's tables: times shown in the supervisor's own zone rather than UTC.
import { localizeTimes } from "../shared/times.js";

localizeTimes();
