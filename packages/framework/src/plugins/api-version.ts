/**
 * The version of the plugin API (`@pakeana/framework`'s `.` entry). A plugin states the
 * version it was built for as a literal (`apiVersion: 1`), typed as this constant's literal
 * type: compiled against a framework of another version, it does not type-check, and loaded
 * by a pakeana of another version, it is refused with both versions named. It changes only
 * when a change to the API would break plugins.
 */
export const API_VERSION = 1;
