// The Python module `webnn._webnn`: ML, MLContext, MLTensor, MLGraph and the descriptors (the
// builder is in builder.cc). Names follow the spec in Python spelling (createContext ->
// create_context); calls that compute, read, write, load, save or build release the GIL.
#include <pybind11/stl.h>

#include <cstring>

#include "common.h"
#include "util/image.h"

namespace webnn::python {
namespace {

struct PyML {};

MLPowerPreference ToPowerPreference(const std::string& s) {
  if (s == "default") return MLPowerPreference::kDefault;
  if (s == "high-performance") return MLPowerPreference::kHighPerformance;
  if (s == "low-power") return MLPowerPreference::kLowPower;
  ThrowTypeError("create_context: power_preference '" + s +
                 "' is not one of default, high-performance, low-power");
}

std::shared_ptr<PyContext> CreateContext(const MLContextOptions& options) {
  auto c = std::make_shared<PyContext>();
  py::gil_scoped_release release;  // "service" connects to a daemon
  c->context = ML().createContext(options);
  return c;
}

std::shared_ptr<PyTensor> TensorArg(py::handle h, std::string_view what) {
  if (!py::isinstance<PyTensor>(h)) {
    ThrowTypeError(std::string(what) + ": expected an MLTensor, got " +
                   std::string(py::str(py::type::handle_of(h).attr("__name__"))));
  }
  return h.cast<std::shared_ptr<PyTensor>>();
}

MLNamedTensors NamedTensors(const py::dict& d, std::string_view what) {
  MLNamedTensors out;
  for (auto [key, value] : d) {
    if (!py::isinstance<py::str>(key)) ThrowTypeError(std::string(what) + ": names must be str");
    const std::string name = py::str(key);
    out.emplace(name, TensorArg(value, std::string(what) + " '" + name + "'")->tensor);
  }
  return out;
}

OperandDescriptor DescriptorOf(const MLTensor& t) { return {t.dataType(), t.shape()}; }

std::string Names(const std::map<std::string, OperandDescriptor>& m) {
  std::string s;
  for (const auto& [name, desc] : m) s += (s.empty() ? "" : ", ") + name;
  return s;
}

// https://www.w3.org/TR/webnn/#api-mlcontext-readtensor: a new array filled by the read itself.
py::array ReadTensor(PyContext& c, const MLTensor& t) {
  const OperandDescriptor desc = DescriptorOf(t);
  py::array array = NewArrayFor(desc);
  if (IsPacked(desc.dataType)) {
    std::vector<std::byte> packed =
        WithContext(c, /*release_gil=*/true, [&] { return c.context->readTensor(t); });
    UnpackInto(array, desc.dataType, packed);
    return array;
  }
  std::span<std::byte> out(static_cast<std::byte*>(array.mutable_data()),
                           static_cast<size_t>(array.nbytes()));
  WithContext(c, /*release_gil=*/true, [&] { c.context->readTensor(t, out); });
  return array;
}

// readTensor(tensor, outputData): into a writable C-contiguous array of the tensor's dtype (any
// shape with the element count) or a writable bytes-like object of its byte length.
void ReadTensorInto(PyContext& c, const MLTensor& t, py::handle out) {
  const OperandDescriptor desc = DescriptorOf(t);
  const bool is_array = py::isinstance<py::array>(out);
  if (!is_array && !PyObject_CheckBuffer(out.ptr())) {
    ThrowTypeError("read_tensor: out must be a numpy array or a writable bytes-like object");
  }
  py::array a = is_array ? py::reinterpret_borrow<py::array>(out)
                         : py::array(py::module_::import("numpy").attr("asarray")(out));
  if (!a.writeable() || !(a.flags() & py::array::c_style)) {
    ThrowTypeError("read_tensor: out must be writable and C-contiguous");
  }
  const bool raw = !is_array && a.itemsize() == 1;
  if (raw) {
    if (static_cast<uint64_t>(a.nbytes()) != desc.ByteLength()) {
      ThrowTypeError("read_tensor: out has " + std::to_string(a.nbytes()) + " bytes, " +
                     DescriptorToString(desc) + " has " + std::to_string(desc.ByteLength()));
    }
  } else {
    if (!a.dtype().equal(NumpyDtype(desc.dataType))) {
      ThrowTypeError("read_tensor: out has dtype " + std::string(py::str(a.dtype())) + ", " +
                     DescriptorToString(desc) + " reads into " +
                     std::string(py::str(NumpyDtype(desc.dataType))));
    }
    if (static_cast<uint64_t>(a.size()) != desc.ElementCount()) {
      ThrowTypeError("read_tensor: out has " + std::to_string(a.size()) + " elements, " +
                     DescriptorToString(desc) + " has " + std::to_string(desc.ElementCount()));
    }
    if (IsPacked(desc.dataType)) {
      std::vector<std::byte> packed =
          WithContext(c, true, [&] { return c.context->readTensor(t); });
      UnpackInto(a, desc.dataType, packed);
      return;
    }
  }
  std::span<std::byte> span(static_cast<std::byte*>(a.mutable_data()),
                            static_cast<size_t>(a.nbytes()));
  WithContext(c, /*release_gil=*/true, [&] { c.context->readTensor(t, span); });
}

// compute(graph, {name: array}) -> {name: array}: tensors for the inputs and outputs, one
// dispatch, reads straight into the new arrays. Inputs are used in place when their dtype and
// layout allow (see ToHostBytes).
py::dict Compute(PyContext& c, const PyGraph& g, const py::dict& inputs) {
  const auto input_descs = g.graph.inputDescriptors();
  const auto output_descs = g.graph.outputDescriptors();
  std::vector<std::pair<std::string, HostBytes>> feeds;
  for (auto [key, value] : inputs) {
    if (!py::isinstance<py::str>(key)) ThrowTypeError("compute: input names must be str");
    const std::string name = py::str(key);
    auto it = input_descs.find(name);
    if (it == input_descs.end()) {
      ThrowTypeError("compute: the graph has no input named '" + name +
                     "' (inputs: " + Names(input_descs) + ")");
    }
    feeds.emplace_back(name, ToHostBytes(value, it->second, "compute: input '" + name + "'"));
  }
  for (const auto& [name, desc] : input_descs) {
    if (!inputs.contains(name)) ThrowTypeError("compute: input '" + name + "' is missing");
  }
  struct Out {
    std::string name;
    OperandDescriptor desc;
    py::array array;
    std::span<std::byte> bytes;  // empty for int4/uint4
    std::vector<std::byte> packed;
  };
  std::vector<Out> outs;
  for (const auto& [name, desc] : output_descs) {
    Out o{name, desc, NewArrayFor(desc), {}, {}};
    if (!IsPacked(desc.dataType)) {
      o.bytes = {static_cast<std::byte*>(o.array.mutable_data()),
                 static_cast<size_t>(o.array.nbytes())};
    }
    outs.push_back(std::move(o));
  }
  WithContext(c, /*release_gil=*/true, [&] {
    MLContext& ctx = *c.context;
    MLNamedTensors in, out;
    for (const auto& [name, bytes] : feeds) {
      const OperandDescriptor& d = input_descs.at(name);
      MLTensor t = ctx.createTensor({d.dataType, d.shape, /*readable=*/false, /*writable=*/true});
      ctx.writeTensor(t, bytes.span());
      in.emplace(name, std::move(t));
    }
    for (const Out& o : outs) {
      out.emplace(o.name, ctx.createTensor({o.desc.dataType, o.desc.shape, /*readable=*/true,
                                            /*writable=*/false}));
    }
    ctx.dispatch(g.graph, in, out);
    for (Out& o : outs) {
      if (IsPacked(o.desc.dataType)) {
        o.packed = ctx.readTensor(out.at(o.name));
      } else {
        ctx.readTensor(out.at(o.name), o.bytes);
      }
    }
  });
  py::dict result;
  for (Out& o : outs) {
    if (IsPacked(o.desc.dataType)) UnpackInto(o.array, o.desc.dataType, o.packed);
    result[py::str(o.name)] = o.array;
  }
  return result;
}

py::dict TensorLimitsToDict(const MLTensorLimits& l) {
  py::list types;
  for (DataType t : l.dataTypes) types.append(std::string(DataTypeName(t)));
  py::dict range;
  range["min"] = l.rankRange.min;
  range["max"] = l.rankRange.max;
  py::dict d;
  d["dataTypes"] = types;
  d["rankRange"] = range;
  return d;
}

// https://www.w3.org/TR/webnn/#dictdef-mlopsupportlimits, with the spec's member names.
py::dict OpSupportLimitsToDict(const MLOpSupportLimits& l) {
  py::dict d;
  d["preferredInputLayout"] = std::string(EnumName(l.preferredInputLayout));
  d["maxTensorByteLength"] = l.maxTensorByteLength;
  d["input"] = TensorLimitsToDict(l.input);
  d["constant"] = TensorLimitsToDict(l.constant);
  d["output"] = TensorLimitsToDict(l.output);
  for (const auto& [op, operands] : l.ops) {
    py::dict o;
    for (const auto& [operand, limits] : operands) o[py::str(operand)] = TensorLimitsToDict(limits);
    d[py::str(op)] = o;
  }
  return d;
}

std::string DescriptorRepr(const OperandDescriptor& d) {
  return "MLOperandDescriptor(data_type='" + std::string(DataTypeName(d.dataType)) +
         "', shape=" + ShapeToString(d.shape) + ")";
}

py::dict DescriptorsToDict(const std::map<std::string, OperandDescriptor>& m) {
  py::dict d;
  for (const auto& [name, desc] : m) d[py::str(name)] = desc;
  return d;
}

void RegisterDescriptors(py::module_& m) {
  py::class_<OperandDescriptor>(m, "MLOperandDescriptor",
                                "https://www.w3.org/TR/webnn/#dictdef-mloperanddescriptor. "
                                "Wherever one is expected, a dict {'dataType': ..., 'shape': "
                                "[...]} works too.")
      .def(py::init([](py::handle data_type, py::handle shape) {
             return OperandDescriptor{ToDataType(data_type, "MLOperandDescriptor: data_type"),
                                      ToShape(shape, "MLOperandDescriptor: shape")};
           }),
           py::arg("data_type"), py::arg("shape"))
      .def_property_readonly(
          "data_type",
          [](const OperandDescriptor& d) { return std::string(DataTypeName(d.dataType)); })
      .def_property_readonly("shape",
                             [](const OperandDescriptor& d) { return ShapeToList(d.shape); })
      .def("__eq__", [](const OperandDescriptor& a, const OperandDescriptor& b) { return a == b; })
      .def("__hash__",
           [](const OperandDescriptor& d) { return py::hash(py::str(DescriptorRepr(d))); })
      .def("__repr__", &DescriptorRepr);

  py::class_<MLTensorDescriptor>(m, "MLTensorDescriptor",
                                 "https://www.w3.org/TR/webnn/#dictdef-mltensordescriptor. A dict "
                                 "{'dataType', 'shape', 'readable', 'writable'} works too.")
      .def(py::init([](py::handle data_type, py::handle shape, bool readable, bool writable) {
             return MLTensorDescriptor{ToDataType(data_type, "MLTensorDescriptor: data_type"),
                                       ToShape(shape, "MLTensorDescriptor: shape"), readable,
                                       writable};
           }),
           py::arg("data_type"), py::arg("shape"), py::kw_only(), py::arg("readable") = false,
           py::arg("writable") = false)
      .def_property_readonly(
          "data_type",
          [](const MLTensorDescriptor& d) { return std::string(DataTypeName(d.dataType)); })
      .def_property_readonly("shape",
                             [](const MLTensorDescriptor& d) { return ShapeToList(d.shape); })
      .def_readonly("readable", &MLTensorDescriptor::readable)
      .def_readonly("writable", &MLTensorDescriptor::writable)
      .def("__repr__", [](const MLTensorDescriptor& d) {
        return "MLTensorDescriptor(data_type='" + std::string(DataTypeName(d.dataType)) +
               "', shape=" + ShapeToString(d.shape) +
               ", readable=" + (d.readable ? "True" : "False") +
               ", writable=" + (d.writable ? "True" : "False") + ")";
      });
}

void RegisterContext(py::module_& m) {
  // Every class is declared before any method mentions it, so signatures in help() name the
  // Python classes (webnn.MLGraph), never the C++ types behind them.
  py::class_<PyContext, std::shared_ptr<PyContext>> context_class(
      m, "MLContext", "https://www.w3.org/TR/webnn/#api-mlcontext");
  py::class_<PyTensor, std::shared_ptr<PyTensor>> tensor_class(
      m, "MLTensor", "https://www.w3.org/TR/webnn/#api-mltensor");
  py::class_<PyGraph, std::shared_ptr<PyGraph>> graph_class(
      m, "MLGraph", "https://www.w3.org/TR/webnn/#api-mlgraph");
  py::class_<PyML>(m, "ML", "https://www.w3.org/TR/webnn/#api-ml")
      .def(py::init<>())
      .def(
          "create_context",
          [](PyML&, const std::string& power_preference, bool accelerated,
             const std::string& executor, uint32_t worker_threads, py::handle endpoint,
             py::handle token_file, uint64_t max_tensor_byte_length, const std::string& backend,
             uint32_t threads, bool profile) {
            MLContextOptions o;
            o.powerPreference = ToPowerPreference(power_preference);
            o.accelerated = accelerated;
            o.executor = executor;
            o.workerThreads = worker_threads;
            if (!endpoint.is_none()) o.endpoint = py::str(endpoint);
            if (!token_file.is_none())
              o.tokenFile = ToPath(token_file, "create_context: token_file");
            o.maxTensorByteLength = max_tensor_byte_length;
            o.backend = backend;
            o.threads = threads;
            o.profile = profile;
            return CreateContext(o);
          },
          py::kw_only(), py::arg("power_preference") = "default", py::arg("accelerated") = true,
          py::arg("executor") = "direct", py::arg("worker_threads") = 0,
          py::arg("endpoint") = py::none(), py::arg("token_file") = py::none(),
          py::arg("max_tensor_byte_length") = MLContextOptions{}.maxTensorByteLength,
          py::arg("backend") = "", py::arg("threads") = 0, py::arg("profile") = false,
          "https://www.w3.org/TR/webnn/#api-ml-createcontext. backend: 'onednn' (the default) or "
          "'reference' (the plain-loop oracle); threads: intra-op threads a dispatch may use (0: "
          "one per core). executor: 'direct' (in the calling "
          "thread), 'worker' (a pool of worker_threads threads) or 'service' (the webnnd daemon "
          "at endpoint, 'unix:PATH' or 'tcp:HOST:PORT'; token_file holds the access token for "
          "tcp). profile: time every compiled step (MLGraph.profile()).");

  context_class
      .def("__repr__",
           [](const std::shared_ptr<PyContext>& c) {
             const MLContextOptions& o = c->context->options();
             std::string r = "MLContext(executor='" + o.executor + "', backend='" +
                             (o.backend.empty() ? "onednn" : o.backend) + "'";
             if (o.threads != 0) r += ", threads=" + std::to_string(o.threads);
             if (o.executor == "service") r += ", endpoint='" + o.endpoint + "'";
             if (o.profile) r += ", profile=True";
             if (auto lost = c->context->lost()) r += ", lost: " + lost->message;
             return r + ")";
           })
      .def(
          "create_tensor",
          [](const std::shared_ptr<PyContext>& c, py::handle descriptor) {
            const MLTensorDescriptor d = ToTensorDescriptor(descriptor, "create_tensor");
            MLTensor t = WithContext(*c, true, [&] { return c->context->createTensor(d); });
            return std::make_shared<PyTensor>(PyTensor{c, std::move(t)});
          },
          py::arg("descriptor"))
      .def(
          "create_constant_tensor",
          [](const std::shared_ptr<PyContext>& c, py::handle descriptor, py::handle data) {
            OperandDescriptor desc;
            if (data.is_none()) {
              if (!py::isinstance<py::array>(descriptor)) {
                ThrowTypeError("create_constant_tensor: give (descriptor, data) or a numpy array");
              }
              desc = DescriptorOfArray(py::reinterpret_borrow<py::array>(descriptor),
                                       "create_constant_tensor");
              data = descriptor;
            } else {
              desc = ToOperandDescriptor(descriptor, "create_constant_tensor");
            }
            HostBytes bytes = ToHostBytes(data, desc, "create_constant_tensor");
            MLTensor t = WithContext(
                *c, true, [&] { return c->context->createConstantTensor(desc, bytes.span()); });
            return std::make_shared<PyTensor>(PyTensor{c, std::move(t)});
          },
          py::arg("descriptor"), py::arg("data") = py::none(),
          "create_constant_tensor(descriptor, data) or create_constant_tensor(array)")
      .def(
          "read_tensor",
          [](const std::shared_ptr<PyContext>& c, py::handle tensor, py::handle out) -> py::object {
            auto t = TensorArg(tensor, "read_tensor");
            if (out.is_none()) return ReadTensor(*c, t->tensor);
            ReadTensorInto(*c, t->tensor, out);
            return py::none();
          },
          py::arg("tensor"), py::arg("out") = py::none(),
          "Returns a new array filled by the read, or fills `out` (and returns None).")
      .def(
          "write_tensor",
          [](const std::shared_ptr<PyContext>& c, py::handle tensor, py::handle data) {
            auto t = TensorArg(tensor, "write_tensor");
            HostBytes bytes = ToHostBytes(data, DescriptorOf(t->tensor), "write_tensor");
            WithContext(*c, true, [&] { c->context->writeTensor(t->tensor, bytes.span()); });
          },
          py::arg("tensor"), py::arg("data"))
      .def(
          "dispatch",
          [](const std::shared_ptr<PyContext>& c, const PyGraph& graph, const py::dict& inputs,
             const py::dict& outputs) {
            const MLNamedTensors in = NamedTensors(inputs, "dispatch: input");
            const MLNamedTensors out = NamedTensors(outputs, "dispatch: output");
            WithContext(*c, true, [&] { c->context->dispatch(graph.graph, in, out); });
          },
          py::arg("graph").none(false), py::arg("inputs"), py::arg("outputs"))
      .def(
          "compute",
          [](const std::shared_ptr<PyContext>& c, const PyGraph& graph, const py::dict& inputs) {
            return Compute(*c, graph, inputs);
          },
          py::arg("graph").none(false), py::arg("inputs"),
          "Runs the graph on {name: array} inputs and returns {name: array} outputs.")
      .def(
          "load_graph",
          [](const std::shared_ptr<PyContext>& c, py::handle path, py::object dims) {
            const std::string p = ToPath(path, "load_graph");
            CheckReadablePath(p, "load_graph");
            std::map<std::string, uint32_t> dimensions;
            if (!dims.is_none()) {
              if (!py::isinstance<py::dict>(dims)) {
                throw py::type_error("load_graph: dims must be a dict {name: size}");
              }
              for (const auto& [k, v] : dims.cast<py::dict>()) {
                if (!py::isinstance<py::str>(k)) {
                  throw py::type_error("load_graph: dims keys must be dimension names (str)");
                }
                const std::string name = k.cast<std::string>();
                if (!py::isinstance<py::int_>(v) || py::isinstance<py::bool_>(v)) {
                  throw py::type_error("load_graph: dims['" + name + "'] must be an int");
                }
                const long long n = v.cast<long long>();
                if (n < 1 || n > static_cast<long long>(UINT32_MAX)) {
                  throw py::value_error("load_graph: dims['" + name +
                                        "'] must be a positive size, got " + std::to_string(n));
                }
                dimensions[name] = static_cast<uint32_t>(n);
              }
            }
            MLGraph g = WithContext(*c, true, [&] { return c->context->loadGraph(p, dimensions); });
            return std::make_shared<PyGraph>(PyGraph{c, std::move(g)});
          },
          py::arg("path"), py::kw_only(), py::arg("dims") = py::none(),
          "Loads a graph file (webnn-graph-json with its weights, .webnn, or ONNX), told by "
          "content. dims={name: size} sizes an ONNX model's free (symbolic) input dimensions.")
      .def("op_support_limits",
           [](const std::shared_ptr<PyContext>& c) {
             return OpSupportLimitsToDict(
                 WithContext(*c, false, [&] { return c->context->opSupportLimits(); }));
           })
      .def("destroy",
           [](const std::shared_ptr<PyContext>& c) {
             py::gil_scoped_release release;
             std::unique_lock lock(c->mutex);
             c->context->destroy();
           })
      .def_property_readonly("lost",
                             [](const std::shared_ptr<PyContext>& c) -> std::optional<std::string> {
                               std::shared_lock lock(c->mutex);
                               if (auto lost = c->context->lost()) return lost->message;
                               return std::nullopt;
                             })
      .def_property_readonly(
          "accelerated",
          [](const std::shared_ptr<PyContext>& c) { return c->context->accelerated(); })
      .def_property_readonly("executor", [](const std::shared_ptr<PyContext>& c) {
        return c->context->options().executor;
      });

  tensor_class
      .def_property_readonly(
          "data_type",
          [](const PyTensor& t) { return std::string(DataTypeName(t.tensor.dataType())); })
      .def_property_readonly("shape",
                             [](const PyTensor& t) { return ShapeToList(t.tensor.shape()); })
      .def_property_readonly("readable", [](const PyTensor& t) { return t.tensor.readable(); })
      .def_property_readonly("writable", [](const PyTensor& t) { return t.tensor.writable(); })
      .def_property_readonly("constant", [](const PyTensor& t) { return t.tensor.constant(); })
      .def("destroy",
           [](PyTensor& t) {
             py::gil_scoped_release release;
             std::unique_lock lock(t.owner->mutex);
             t.tensor.destroy();
           })
      .def("__repr__", [](const PyTensor& t) {
        return "MLTensor(" + DescriptorToString(DescriptorOf(t.tensor)) +
               (t.tensor.readable() ? ", readable" : "") +
               (t.tensor.writable() ? ", writable" : "") +
               (t.tensor.constant() ? ", constant" : "") + ")";
      });

  graph_class
      .def("__repr__",
           [](const PyGraph& g) {
             if (!g.graph.valid()) return std::string("MLGraph(destroyed)");
             auto list = [](const std::map<std::string, OperandDescriptor>& d) {
               std::string s;
               for (const auto& [name, desc] : d) {
                 s += (s.empty() ? "" : ", ") + ("'" + name + "': ") + DescriptorToString(desc);
               }
               return "{" + s + "}";
             };
             std::string r = "MLGraph(inputs=" + list(g.graph.inputDescriptors()) +
                             ", outputs=" + list(g.graph.outputDescriptors());
             const MLGraphCompilation c = g.graph.compilation();
             if (!c.backend.empty()) {
               r += ", backend='" + c.backend + "', steps=" + std::to_string(c.steps);
             }
             return r + ")";
           })
      .def(
          "profile",
          [](const PyGraph& g) {
            const MLGraphProfile p =
                WithContext(*g.owner, false, [&] { return g.graph.profile(); });
            py::list steps;
            for (const MLStepTiming& t : p.steps) {
              steps.append(py::dict(py::arg("name") = t.name, py::arg("calls") = t.calls,
                                    py::arg("total_ms") = t.totalMs));
            }
            return steps;
          },
          "Per-step times of the dispatches so far, in execution order: [{'name', 'calls', "
          "'total_ms'}]. Needs create_context(profile=True); not for the service executor.")
      .def_property_readonly(
          "input_descriptors",
          [](const PyGraph& g) { return DescriptorsToDict(g.graph.inputDescriptors()); })
      .def_property_readonly(
          "output_descriptors",
          [](const PyGraph& g) { return DescriptorsToDict(g.graph.outputDescriptors()); })
      .def(
          "save",
          [](const PyGraph& g, py::handle path) {
            const std::string p = ToPath(path, "save");
            WithContext(*g.owner, true, [&] { g.graph.save(p); });
          },
          py::arg("path"),
          "Writes the graph: '.json' is webnn-graph-json (weights in <stem>.weights and "
          "<stem>.manifest.json beside it), '.webnn' the Cap'n Proto file.")
      .def("destroy", [](PyGraph& g) {
        py::gil_scoped_release release;
        std::unique_lock lock(g.owner->mutex);
        g.graph.destroy();
      });
}

// Not part of WebNN: PNG/JPEG decoding for the examples and tests (the library's own decoder).
py::array LoadImage(py::handle path, uint32_t channels) {
  if (channels != 1 && channels != 3) ThrowTypeError("load_image: channels must be 1 or 3");
  const std::string p = ToPath(path, "load_image");
  CheckReadablePath(p, "load_image");
  Result<image::Image> img = [&] {
    py::gil_scoped_release release;
    return image::Load(p, channels);
  }();
  if (!img.ok()) throw Exception(std::move(img.error()));
  py::array_t<uint8_t> a({static_cast<ssize_t>(img->height), static_cast<ssize_t>(img->width),
                          static_cast<ssize_t>(img->channels)});
  std::memcpy(a.mutable_data(), img->pixels.data(), img->pixels.size());
  return a;
}

}  // namespace

void RegisterModule(py::module_& m) {
  m.doc() = "WebNN (https://www.w3.org/TR/webnn/) for Python: the webnn-cpp runtime.";
#ifdef WEBNN_VERSION
  m.attr("__version__") = WEBNN_VERSION;
#endif
  RegisterErrors(m);
  RegisterDescriptors(m);
  RegisterContext(m);
  RegisterBuilder(m);
  m.def("load_image", &LoadImage, py::arg("path"), py::arg("channels") = 3,
        "Decodes a PNG or JPEG file to a uint8 array [height, width, channels] (channels 1: "
        "grey, 3: RGB). A convenience for examples; not part of WebNN.");
}

}  // namespace webnn::python

PYBIND11_MODULE(_webnn, m) { webnn::python::RegisterModule(m); }
