# cmake -DDIR=<reports dir> -DOUT=<file.c> -P app/reporting/embed_reports.cmake
# Writes OUT: the report definitions of DIR (<name>.sql) as the C array report_sources
# (app/cli/reports.h), so that the CLI carries them and never looks for files at run time.
file(GLOB files "${DIR}/*.sql")
list(SORT files)
set(arrays "")
set(entries "")
list(LENGTH files n)
foreach(f ${files})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND arrays "static const char sql_${name}[] = {${hex} 0};\n")
  string(APPEND entries "    {\"${name}\", sql_${name}},\n")
endforeach()
file(WRITE ${OUT}.tmp "/* Generated from app/reporting/reports/ by app/reporting/embed_reports.cmake. */\n"
  "#include \"reports.h\"\n\n${arrays}\nconst struct report_source report_sources[] = {\n${entries}};\n"
  "const int report_sources_count = ${n};\n")
# replaced only when it changed: an unchanged definition rebuilds nothing
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
