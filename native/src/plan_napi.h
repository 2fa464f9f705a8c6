// Node-API entry points of the inference plans (see plan_napi.cc for their
// arguments); addon.cc registers them.
#pragma once

#include <node_api.h>

namespace vgg {

napi_value PlanCreate(napi_env env, napi_callback_info info);
napi_value PlanRun(napi_env env, napi_callback_info info);
napi_value PlanOutputShape(napi_env env, napi_callback_info info);
napi_value PlanDescribe(napi_env env, napi_callback_info info);
napi_value PlanInfo(napi_env env, napi_callback_info info);
napi_value PlanSetProfile(napi_env env, napi_callback_info info);
napi_value PlanTimings(napi_env env, napi_callback_info info);
napi_value PlanDispose(napi_env env, napi_callback_info info);
napi_value PlanWorkItems(napi_env env, napi_callback_info info);

}  // namespace vgg
