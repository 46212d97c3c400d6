"""Why an uploaded table is refused (tabular.Problem codes), for every page that reads one."""

STRINGS = {
    "table.where.row_column": {"zh": "第 {row} 行“{column}”列：", "en": "row {row}, column '{column}': "},
    "table.where.row": {"zh": "第 {row} 行：", "en": "row {row}: "},
    "table.where.column": {"zh": "“{column}”列：", "en": "column '{column}': "},
    "table.file_too_large": {"zh": "文件太大，请拆分后上传", "en": "the file is too large; split it"},
    "table.uncompressed_too_large": {"zh": "Excel 文件解压后太大，请拆分或另存为较小的文件", "en": "the workbook unpacks to too much data; split it"},
    "table.too_many_rows": {"zh": "行数超过上限，请拆分后上传", "en": "more rows than the limit; split the file"},
    "table.too_many_columns": {"zh": "列数超过上限", "en": "more columns than the limit"},
    "table.too_many_cells": {"zh": "单元格总数超过上限，请拆分后上传", "en": "more cells than the limit; split the file"},
    "table.cell_too_long": {"zh": "单元格文字太长", "en": "a cell is too long"},
    "table.number_too_large": {"zh": "数字太大（超过 15 位），请检查是否录入错误", "en": "a number is too large (over 15 digits)"},
    "table.ragged_row": {"zh": "这一行的单元格数与表头不符（多了或少了分隔符）", "en": "the row's cells do not match the header"},
    "table.duplicate_column": {"zh": "表头中列名重复", "en": "a column name appears twice in the header"},
    "table.no_header": {"zh": "第一行须为列名", "en": "the first row must hold the column names"},
    "table.encoding": {"zh": "无法识别文字编码，请另存为 UTF-8 CSV 或 XLSX", "en": "unknown text encoding; save as UTF-8 CSV or XLSX"},
    "table.not_xlsx": {"zh": "不是可读取的 XLSX 文件", "en": "not a readable XLSX workbook"},
    "table.not_csv": {"zh": "不是可读取的 CSV 文件", "en": "not a readable CSV file"},
    "table.bad_cell": {"zh": "有无法读取的单元格", "en": "a cell cannot be read"},
    "table.empty": {"zh": "文件是空的", "en": "the file is empty"},
    "table.file_type": {"zh": "不支持的文件类型，请上传 .csv 或 .xlsx", "en": "unsupported file type; upload .csv or .xlsx"},
    "table.detail": {"zh": "{reason}（{detail}）", "en": "{reason} ({detail})"},
}
