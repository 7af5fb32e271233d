# The portal (app/portal): Vue 3 + Element Plus + ECharts, built by Vite into
# <build tree>/portal, which deploy/lib.sh rq_copy_static hands to nginx (/admin/).
# The sources are copied into the build tree and `npm ci` installs node_modules there, so the
# two build trees (build/, build-test/) never share or write anything in the source tree.
find_program(NPM_PROGRAM npm REQUIRED)
find_program(NODE_PROGRAM node REQUIRED)

set(PORTAL_SRC ${CMAKE_SOURCE_DIR}/app/portal)
set(PORTAL_WORK ${CMAKE_BINARY_DIR}/portal-src)
set(PORTAL_OUT ${CMAKE_BINARY_DIR}/portal)
file(MAKE_DIRECTORY ${PORTAL_WORK})
file(GLOB_RECURSE portal_sources CONFIGURE_DEPENDS ${PORTAL_SRC}/src/* ${PORTAL_SRC}/public/*)

# npm ci once per change of the lock file (the registry's packages, exactly as locked)
add_custom_command(
  OUTPUT ${PORTAL_WORK}/npm-ci.stamp
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${PORTAL_SRC}/package.json
          ${PORTAL_SRC}/package-lock.json ${PORTAL_WORK}/
  COMMAND ${NPM_PROGRAM} ci --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${PORTAL_WORK}/npm-ci.stamp
  DEPENDS ${PORTAL_SRC}/package.json ${PORTAL_SRC}/package-lock.json
  WORKING_DIRECTORY ${PORTAL_WORK}
  COMMENT "portal: npm ci"
  VERBATIM)

# vite build whenever a source changes; src/ and public/ (copied as they are) are copied
# afresh so a removed file is gone
add_custom_command(
  OUTPUT ${PORTAL_OUT}/index.html
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${PORTAL_WORK}/src ${PORTAL_WORK}/public
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${PORTAL_SRC}/src ${PORTAL_WORK}/src
  COMMAND ${CMAKE_COMMAND} -E copy_directory ${PORTAL_SRC}/public ${PORTAL_WORK}/public
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${PORTAL_SRC}/index.html
          ${PORTAL_SRC}/vite.config.js ${PORTAL_WORK}/
  COMMAND ${NODE_PROGRAM} node_modules/vite/bin/vite.js build --logLevel warn
          --outDir ${PORTAL_OUT} --emptyOutDir
  DEPENDS ${PORTAL_WORK}/npm-ci.stamp ${portal_sources} ${PORTAL_SRC}/index.html
          ${PORTAL_SRC}/vite.config.js
  WORKING_DIRECTORY ${PORTAL_WORK}
  COMMENT "portal: vite build into ${PORTAL_OUT}"
  VERBATIM)
add_custom_target(portal ALL DEPENDS ${PORTAL_OUT}/index.html)
