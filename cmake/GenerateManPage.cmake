# Writes a man page from a program's --help text, so the page never disagrees with the program:
#   cmake -DPROGRAM=path -DNAME=webnn -DSECTION=1 -DSUMMARY="..." -DVERSION=0.1.0 -DOUT=webnn.1
#         [-DSUBCOMMANDS=ON] -P GenerateManPage.cmake
# SUBCOMMANDS: the --help text lists commands as "  NAME ..." under "Commands:"; each one's
# `PROGRAM NAME --help` becomes a section of its own.
function(webnn_roff_escape text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  # A line that starts with . or ' would be a roff request.
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

function(webnn_help args out)
  execute_process(COMMAND ${PROGRAM} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE text
                  ERROR_QUIET TIMEOUT 20)
  if(NOT rc EQUAL 0)
    set(text "")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Defaults that depend on the environment are shown by their variable, not the build machine's.
set(ENV{XDG_RUNTIME_DIR} "$XDG_RUNTIME_DIR")
webnn_help(--help help)
if(help STREQUAL "")
  message(FATAL_ERROR "${PROGRAM} --help failed")
endif()
string(TOUPPER "${NAME}" upper)
webnn_roff_escape("${help}" help_roff)
set(page ".TH ${upper} ${SECTION} \"\" \"${NAME} ${VERSION}\" \"webnn-cpp\"\n")
string(APPEND page ".SH NAME\n${NAME} \\- ${SUMMARY}\n")
string(APPEND page ".SH DESCRIPTION\n.nf\n${help_roff}.fi\n")

if(SUBCOMMANDS)
  string(REGEX MATCH "Commands:\n(.*)" commands_block "${help}")
  string(REGEX REPLACE "\n\n.*" "" commands_block "${CMAKE_MATCH_1}")
  string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" commands "${commands_block}")
  set(sections "")
  foreach(c IN LISTS commands)
    string(STRIP "${c}" c)
    webnn_help("${c};--help" sub)
    if(NOT sub STREQUAL "")
      webnn_roff_escape("${sub}" sub_roff)
      string(APPEND sections ".SS ${c}\n.nf\n${sub_roff}.fi\n")
    endif()
  endforeach()
  if(sections)
    string(APPEND page ".SH COMMANDS\n${sections}")
  endif()
endif()
string(APPEND page ".SH VERSION\n${NAME} ${VERSION}. \\fB${NAME} \\-\\-version\\fR prints it.\n")
string(APPEND page ".SH SEE ALSO\n${SEE_ALSO}\n")
file(WRITE "${OUT}" "${page}")
