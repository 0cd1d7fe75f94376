/**
 * Reading CSV that people make in spreadsheets (village lists and the like): the one line reader
 * the console and the operations CLI share. Pure, no Node or DOM API.
 */
export { splitCsvLine } from './csv-line';
