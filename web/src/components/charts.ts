import { BarElement, CategoryScale, Chart, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { fr } from '@codegouvfr/react-dsfr';

/** Chart.js, only the parts the page draws (tree-shaken), in the design system's colours. */
Chart.register(BarElement, CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend);

const colors = fr.colors.getHex({ isDark: false });
export const CHART_COLORS = {
  primary: colors.decisions.background.actionHigh.blueFrance.default,
  secondary: colors.decisions.border.default.grey.default,
  text: colors.decisions.text.default.grey.default,
};
Chart.defaults.font.family = 'Marianne, arial, sans-serif';
Chart.defaults.color = CHART_COLORS.text;
// Motion is not needed to read a chart (RGAA 13.8), and a chart drawn at once is a chart a test can read.
Chart.defaults.animation = false;
