// Back-end selection: auto picks CUDA only when a device is present and says which.
#include "host/run/backend.hh"

#include <gtest/gtest.h>

#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

CudaAvailability no_gpu() {
  CudaAvailability c;
  c.compiled = true;
  c.why_none = "no CUDA device is visible";
  return c;
}

CudaAvailability two_gpus() {
  CudaAvailability c;
  c.compiled = true;
  c.devices = {CudaDevice{0, "GPU A", 9, 0, 132, 80ull << 30},
               CudaDevice{1, "GPU B", 9, 0, 132, 80ull << 30}};
  return c;
}

TEST(Backend, AutoFallsBackToCpuAndSaysWhy) {
  const auto s = select_backend("auto", "all", no_gpu());
  EXPECT_EQ(s.backend, Backend::Cpu);
  EXPECT_NE(s.reason.find("no CUDA device"), std::string::npos);
}

TEST(Backend, AutoPicksCudaWhenPresent) {
  const auto s = select_backend("auto", "all", two_gpus());
  EXPECT_EQ(s.backend, Backend::Cuda);
  EXPECT_EQ(s.devices, (std::vector<int>{0, 1}));
  EXPECT_NE(s.reason.find("GPU B"), std::string::npos);
}

TEST(Backend, DeviceListIsParsedAndChecked) {
  EXPECT_EQ(select_backend("cuda", "1", two_gpus()).devices, std::vector<int>{1});
  EXPECT_THROW(select_backend("cuda", "2", two_gpus()), UserError);
  EXPECT_THROW(select_backend("cuda", "x", two_gpus()), UserError);
}

TEST(Backend, CudaRequestWithoutDeviceIsAClearError) {
  try {
    select_backend("cuda", "all", no_gpu());
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("--backend cpu"), std::string::npos);
  }
}

TEST(Backend, CpuAlwaysWorksAndUnknownIsRejected) {
  EXPECT_EQ(select_backend("cpu", "all", two_gpus()).backend, Backend::Cpu);
  EXPECT_THROW(select_backend("gpu-ish", "all", two_gpus()), UserError);
}

TEST(Backend, QueryMatchesBuild) {
  const CudaAvailability c = query_cuda_devices();
  EXPECT_EQ(c.compiled, static_cast<bool>(GPUDOSE_HAVE_CUDA));
  if (c.devices.empty()) EXPECT_FALSE(c.why_none.empty());
}

}  // namespace
}  // namespace gpudose
