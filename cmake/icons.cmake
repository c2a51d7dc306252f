# The app's icons, all rendered from resources/icons/crm-desktop.svg at build time by
# packaging/icons/make-icons.sh: hicolor PNGs for Linux, a .ico for Windows, a .icns for macOS.
# Sets CRM_ICON_DIR (empty when they cannot be made here) and the target crm_icons.
set(CRM_PREBUILT_ICONS "" CACHE PATH
    "Icons already made by packaging/icons/make-icons.sh (Windows and macOS CI, which lack its tools)")
set(CRM_ICON_SVG ${PROJECT_SOURCE_DIR}/resources/icons/crm-desktop.svg)
if(CRM_PREBUILT_ICONS)
    set(CRM_ICON_DIR ${CRM_PREBUILT_ICONS})
    add_custom_target(crm_icons)
    return()
endif()
find_program(CRM_RSVG_CONVERT rsvg-convert)
find_program(CRM_ICOTOOL icotool)
find_program(CRM_PNG2ICNS png2icns)
find_program(CRM_BASH bash)
if(NOT CRM_RSVG_CONVERT OR NOT CRM_ICOTOOL OR NOT CRM_PNG2ICNS OR NOT CRM_BASH)
    message(WARNING "App icons skipped (install librsvg2-bin, icoutils and icnsutils, or set "
                    "CRM_PREBUILT_ICONS): packages will carry the SVG only")
    set(CRM_ICON_DIR "")
    add_custom_target(crm_icons)
    return()
endif()
set(CRM_ICON_DIR ${CMAKE_BINARY_DIR}/icons)
set(crm_icon_outputs ${CRM_ICON_DIR}/crm-desktop.ico ${CRM_ICON_DIR}/crm-desktop.icns)
foreach(size 16 22 24 32 48 64 128 256 512)
    list(APPEND crm_icon_outputs ${CRM_ICON_DIR}/hicolor/${size}x${size}/apps/${CRM_APP_ID}.png)
endforeach()
add_custom_command(OUTPUT ${crm_icon_outputs}
    COMMAND ${CRM_BASH} ${PROJECT_SOURCE_DIR}/packaging/icons/make-icons.sh ${CRM_ICON_SVG}
            ${CRM_ICON_DIR} ${CRM_APP_ID}
    DEPENDS ${CRM_ICON_SVG} ${PROJECT_SOURCE_DIR}/packaging/icons/make-icons.sh
    COMMENT "Rendering the app icons from crm-desktop.svg")
add_custom_target(crm_icons ALL DEPENDS ${crm_icon_outputs})
