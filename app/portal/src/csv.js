// CSV files made in the browser: UTF-8 with BOM and CRLF (Excel and WPS read the Chinese),
// RFC 4180 quoting, and a text a spreadsheet would take for a formula (= + - @) starts with '.
function cell(v) {
  let s = v === null || v === undefined ? '' : String(v)
  if (/^[=+\-@]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => cell(c.label)).join(',')]
  for (const r of rows) lines.push(columns.map((c) => cell(r[c.key])).join(','))
  return '\ufeff' + lines.join('\r\n') + '\r\n'
}

export function downloadBlob(filename, blob) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export function downloadCsv(filename, columns, rows) {
  downloadBlob(filename, new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }))
}
