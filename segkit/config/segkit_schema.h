#pragma once
// The schema of segkit's own config files: every key a subcommand reads, with its default and doc.
// docs/config.md embeds describe_markdown(segkit_schema()) and a test keeps the two identical.

#include "segkit/config/schema.h"

namespace segkit::config {

const Schema& segkit_schema();

}  // namespace segkit::config
