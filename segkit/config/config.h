#pragma once
// Umbrella header of the config room: YAML loading with locations, schemas, composed configs.
// Torch-free; the builders that turn a config into models and trainers live with those rooms.

#include "segkit/config/config_loader.h"
#include "segkit/config/schema.h"
#include "segkit/config/segkit_schema.h"
#include "segkit/config/yaml_loader.h"
