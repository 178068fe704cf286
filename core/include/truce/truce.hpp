#pragma once
// Everything public, for callers who would rather not pick headers.
#include "truce/document.hpp"
#include "truce/error.hpp"
#include "truce/etag.hpp"
#include "truce/json.hpp"
#include "truce/retry.hpp"
#include "truce/timestamp.hpp"
#include "truce/version.hpp"
