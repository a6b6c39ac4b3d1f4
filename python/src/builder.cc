// MLGraphBuilder and MLOperand. Every operator method is generated from the op table
// (src/ops/op_table.inc) and the attribute structs' field lists (VisitFields in attrs.h):
//
//   positional parameters   the required operand slots, then the required attributes
//                           (conv2d(input, filter), gru(input, weight, recurrent_weight, steps,
//                           hidden_size), cast(input, type))
//   keyword-only options    the optional attributes, the operand-valued options, label
//                           (conv2d(..., padding=[1, 1, 1, 1], bias=b, input_layout="nhwc"))
//
// Python names are the spec's in snake_case. The same table gives the methods' docstrings and
// the type stubs (tools/generate_stubs.py reads _builder_methods()).
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <type_traits>
#include <variant>

#include "common.h"
#include "ops/op_info.h"

namespace webnn::python {
namespace {

// ---- Attribute field conversions, by C++ type -------------------------------------------------

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {
  using Element = T;
};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {
  using Value = T;
};

std::string TypeNameOf(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

[[noreturn]] void BadValue(const std::string& what, const std::string& expected, py::handle h) {
  ThrowTypeError(what + ": expected " + expected + ", got " + TypeNameOf(h) + " " +
                 std::string(py::repr(h)));
}

bool IsNumpyBool(py::handle h) {
  return py::isinstance(h, py::module_::import("numpy").attr("bool_"));
}

// An integer (int, numpy integer; not bool, not float) as a Python int object.
py::object AsInt(py::handle h, const std::string& what, const std::string& expected) {
  if (PyBool_Check(h.ptr()) || IsNumpyBool(h) || !PyIndex_Check(h.ptr()))
    BadValue(what, expected, h);
  py::object i = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
  if (!i) throw py::error_already_set();
  return i;
}

template <typename T>
void Convert(py::handle h, T& out, const std::string& what);

template <typename Int>
void ConvertInt(py::handle h, Int& out, const std::string& what) {
  const std::string expected = std::is_signed_v<Int> ? "an int32" : "an unsigned integer";
  py::object i = AsInt(h, what, expected);
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (overflow != 0 || v < static_cast<long long>(std::numeric_limits<Int>::min()) ||
      v > static_cast<long long>(std::numeric_limits<Int>::max())) {
    ThrowTypeError(what + ": " + std::string(py::repr(h)) + " is out of range for " + expected);
  }
  out = static_cast<Int>(v);
}

double ToDouble(py::handle h, const std::string& what) {
  if (PyBool_Check(h.ptr()) || IsNumpyBool(h) || py::isinstance<py::str>(h) ||
      py::isinstance<py::bytes>(h) || h.is_none()) {
    BadValue(what, "a number", h);
  }
  const double d = PyFloat_AsDouble(h.ptr());
  if (d == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    BadValue(what, "a number", h);
  }
  return d;
}

template <SpecEnum E>
std::string EnumValues() {
  std::string s;
  for (std::string_view n : EnumTraits<E>::kNames)
    s += (s.empty() ? "'" : ", '") + std::string(n) + "'";
  return s;
}

// MLNumber: an int is exact (kept as a bigint beyond 2^53, where a double would round), a float
// is a double.
MLNumber ToMLNumber(py::handle h, const std::string& what) {
  if (!PyBool_Check(h.ptr()) && !IsNumpyBool(h) && PyIndex_Check(h.ptr())) {
    py::object i = AsInt(h, what, "a number");
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
    if (overflow == 0) {
      constexpr long long kExact = 1ll << 53;
      if (v >= -kExact && v <= kExact) return MLNumber(static_cast<double>(v));
      return MLNumber::Int(v);
    }
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(i.ptr());
      if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred())) return MLNumber::Uint(u);
      PyErr_Clear();
    }
    ThrowTypeError(what + ": " + std::string(py::repr(h)) + " does not fit 64 bits");
  }
  return MLNumber(ToDouble(h, what));
}

template <typename T>
void Convert(py::handle h, T& out, const std::string& what) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!PyBool_Check(h.ptr()) && !IsNumpyBool(h)) BadValue(what, "a bool", h);
    out = PyObject_IsTrue(h.ptr()) == 1;
  } else if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, int32_t>) {
    ConvertInt(h, out, what);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = static_cast<T>(ToDouble(h, what));
  } else if constexpr (std::is_same_v<T, DataType>) {
    out = ToDataType(h, what);
  } else if constexpr (SpecEnum<T>) {
    if (!py::isinstance<py::str>(h)) BadValue(what, "one of " + EnumValues<T>(), h);
    const std::string s = py::str(h);
    auto e = EnumFromName<T>(s);
    if (!e) ThrowTypeError(what + ": '" + s + "' is not one of " + EnumValues<T>());
    out = *e;
  } else if constexpr (std::is_same_v<T, MLNumber>) {
    out = ToMLNumber(h, what);
  } else if constexpr (std::is_same_v<T, SplitSpec>) {
    if (PyIndex_Check(h.ptr()) && !PyBool_Check(h.ptr())) {
      uint32_t count = 0;
      ConvertInt(h, count, what);
      out = count;
    } else {
      UintList sizes;
      Convert(h, sizes, what);
      out = std::move(sizes);
    }
  } else if constexpr (IsOptional<T>::value) {
    typename IsOptional<T>::Value v{};
    Convert(h, v, what);
    out = std::move(v);
  } else if constexpr (IsVector<T>::value) {
    if (py::isinstance<py::str>(h) || py::isinstance<py::bytes>(h) ||
        !py::isinstance<py::iterable>(h)) {
      BadValue(what, "a sequence", h);
    }
    out.clear();
    size_t i = 0;
    for (py::handle item : py::reinterpret_borrow<py::iterable>(h)) {
      typename IsVector<T>::Element v{};
      Convert(item, v, what + "[" + std::to_string(i++) + "]");
      out.push_back(std::move(v));
    }
  } else {
    static_assert(sizeof(T) == 0, "an attribute field type without a Python conversion");
  }
}

// The Python annotation of a field type, for the type stubs.
template <typename T>
std::string TypeName() {
  if constexpr (std::is_same_v<T, bool>) {
    return "bool";
  } else if constexpr (std::is_integral_v<T>) {
    return "int";
  } else if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, MLNumber>) {
    return "float";
  } else if constexpr (std::is_same_v<T, DataType>) {
    return "DataTypeLike";
  } else if constexpr (SpecEnum<T>) {
    std::string s;
    for (std::string_view n : EnumTraits<T>::kNames)
      s += (s.empty() ? "\"" : ", \"") + std::string(n) + "\"";
    return "Literal[" + s + "]";
  } else if constexpr (std::is_same_v<T, SplitSpec>) {
    return "int | Sequence[int]";
  } else if constexpr (IsOptional<T>::value) {
    return TypeName<typename IsOptional<T>::Value>() + " | None";
  } else if constexpr (IsVector<T>::value) {
    return "Sequence[" + TypeName<typename IsVector<T>::Element>() + "]";
  } else {
    static_assert(sizeof(T) == 0, "an attribute field type without a Python annotation");
  }
}

// The Python literal of a field's default value, for the signatures.
template <typename T>
std::string DefaultRepr(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "True" : "False";
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return py::repr(py::float_(static_cast<double>(v)));
  } else if constexpr (std::is_same_v<T, MLNumber>) {
    return py::repr(py::float_(v.AsDouble()));
  } else if constexpr (std::is_same_v<T, DataType>) {
    return "\"" + std::string(DataTypeName(v)) + "\"";
  } else if constexpr (SpecEnum<T>) {
    return "\"" + std::string(EnumName(v)) + "\"";
  } else if constexpr (IsOptional<T>::value) {
    return v ? DefaultRepr(*v) : "None";
  } else {
    return "None";
  }
}

// Calls f(name, field, kind) for each field of the attributes held by `attrs`.
template <typename A, typename F>
void ForEachField(A& attrs, F&& f) {
  std::visit(
      [&](auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (!std::is_same_v<T, std::monostate>) T::VisitFields(a, f);
      },
      attrs);
}

// ---- The generated operator methods -----------------------------------------------------------

struct Param {
  enum class Kind : uint8_t { kOperand, kOperandList, kAttr, kLabel };
  std::string name;       // Python name
  std::string spec_name;  // the slot's or the attribute's name in the spec
  Kind kind = Kind::kOperand;
  size_t slot = 0;            // operand slot (kOperand)
  bool keyword_only = false;  // an option
  std::string type;           // annotation
  std::string default_repr;   // for options
};

struct OpMethod {
  OpKind kind;
  std::string name;
  std::string spec_name;
  std::vector<Param> params;  // the positional ones first
  size_t positional = 0;
  bool returns_list = false;

  std::string Signature() const {
    std::string s;
    bool star = false;
    for (const Param& p : params) {
      if (!s.empty()) s += ", ";
      if (p.keyword_only && !star) {
        s += "*, ";
        star = true;
      }
      s += p.name + ": " + p.type;
      if (p.keyword_only) s += " = " + p.default_repr;
    }
    return s;
  }
  std::string Returns() const { return returns_list ? "list[MLOperand]" : "MLOperand"; }
};

// Spec parameter names that differ from the attribute field behind them.
std::string PythonName(OpKind kind, std::string_view field) {
  if (kind == OpKind::kCast && field == "dataType") return "type";  // cast(input, type)
  return SnakeCase(field);
}

OpMethod MakeOpMethod(OpKind kind) {
  const OpInfo& info = GetOpInfo(kind);
  OpMethod m{kind, SnakeCase(info.name), std::string(info.name), {}, 0, false};
  m.returns_list = info.outputs.size() > 1 || (!info.outputs.empty() && info.outputs[0].variadic);
  std::vector<Param> required_attrs, optional_attrs, optional_operands;
  for (size_t i = 0; i < info.inputs.size(); ++i) {
    const SlotConstraint& c = info.inputs[i];
    Param p{
        SnakeCase(c.name), std::string(c.name), Param::Kind::kOperand, i, false, "MLOperand", ""};
    if (c.variadic) {
      p.kind = Param::Kind::kOperandList;
      p.type = "Sequence[MLOperand]";
    }
    if (c.optional) {
      p.keyword_only = true;
      p.type = "MLOperand | None";
      p.default_repr = "None";
      optional_operands.push_back(std::move(p));
    } else {
      m.params.push_back(std::move(p));
    }
  }
  Attrs defaults = DefaultAttrs(kind);
  ForEachField(defaults, [&](const char* name, const auto& field, FieldKind fk) {
    using T = std::decay_t<decltype(field)>;
    Param p{PythonName(kind, name), name, Param::Kind::kAttr, 0, fk == FieldKind::kOptional,
            TypeName<T>(),          ""};
    if (p.keyword_only) {
      p.default_repr = DefaultRepr(field);
      optional_attrs.push_back(std::move(p));
    } else {
      required_attrs.push_back(std::move(p));
    }
  });
  for (auto* list : {&required_attrs, &optional_attrs, &optional_operands}) {
    for (Param& p : *list) m.params.push_back(std::move(p));
  }
  m.params.push_back({"label", "label", Param::Kind::kLabel, 0, true, "str", "\"\""});
  for (const Param& p : m.params) m.positional += p.keyword_only ? 0 : 1;
  return m;
}

// Runs f() holding the context's lock and the builder's mutex.
template <typename F>
auto Locked(PyBuilder& b, bool release_gil, F&& f) {
  return WithContext(*b.owner, release_gil, [&] {
    std::lock_guard lock(b.mutex);
    return f();
  });
}

PyOperand Wrap(const MLOperand& op) { return PyOperand{op, op.descriptor()}; }

const PyOperand& OperandArg(py::handle h, const std::string& what) {
  if (!py::isinstance<PyOperand>(h)) BadValue(what, "an MLOperand", h);
  return h.cast<const PyOperand&>();
}

py::object CallOp(const OpMethod& m, PyBuilder& b, const py::args& args, const py::kwargs& kwargs) {
  const OpInfo& info = GetOpInfo(m.kind);
  if (args.size() > m.positional) {
    ThrowTypeError(m.name + "() takes " + std::to_string(m.positional) +
                   " positional arguments but " + std::to_string(args.size()) + " were given");
  }
  // Bind the arguments to the parameters (None for an option means "not given").
  std::vector<py::handle> values(m.params.size());
  for (size_t i = 0; i < args.size(); ++i) values[i] = args[i];
  for (auto [key, value] : kwargs) {
    const std::string k = py::str(key);
    size_t i = 0;
    while (i < m.params.size() && m.params[i].name != k) ++i;
    if (i == m.params.size()) {
      std::string known;
      for (const Param& p : m.params) known += (known.empty() ? "" : ", ") + p.name;
      ThrowTypeError(m.name + "() got an unexpected keyword argument '" + k +
                     "' (parameters: " + known + ")");
    }
    if (values[i]) ThrowTypeError(m.name + "() got multiple values for argument '" + k + "'");
    values[i] = value;
  }
  for (size_t i = 0; i < m.params.size(); ++i) {
    if (values[i] && values[i].is_none() && m.params[i].keyword_only) values[i] = py::handle();
    if (!values[i] && !m.params[i].keyword_only) {
      ThrowTypeError(m.name + "() missing required argument '" + m.params[i].name + "'");
    }
  }

  std::vector<MLOperand> operands(info.IsVariadic() ? 0 : info.inputs.size());
  Attrs attrs = DefaultAttrs(m.kind);
  std::string label;
  for (size_t i = 0; i < m.params.size(); ++i) {
    const Param& p = m.params[i];
    if (!values[i]) continue;
    const std::string what = m.name + ": " + p.name;
    switch (p.kind) {
      case Param::Kind::kOperand:
        operands[p.slot] = OperandArg(values[i], what).operand;
        break;
      case Param::Kind::kOperandList: {
        if (!py::isinstance<py::sequence>(values[i]) || py::isinstance<py::str>(values[i])) {
          BadValue(what, "a sequence of MLOperand", values[i]);
        }
        size_t j = 0;
        for (py::handle item : py::reinterpret_borrow<py::sequence>(values[i])) {
          operands.push_back(OperandArg(item, what + "[" + std::to_string(j++) + "]").operand);
        }
        break;
      }
      case Param::Kind::kLabel:
        if (!py::isinstance<py::str>(values[i])) BadValue(what, "a str", values[i]);
        label = py::str(values[i]);
        break;
      case Param::Kind::kAttr:
        ForEachField(attrs, [&](const char* name, auto& field, FieldKind) {
          if (p.spec_name == name) Convert(values[i], field, what);
        });
        break;
    }
  }

  std::vector<PyOperand> results = Locked(b, /*release_gil=*/false, [&] {
    std::vector<PyOperand> out;
    for (const MLOperand& r : b.builder->op(m.kind, operands, attrs, label)) out.push_back(Wrap(r));
    return out;
  });
  if (!m.returns_list) return py::cast(std::move(results.at(0)));
  py::list list;
  for (PyOperand& r : results) list.append(py::cast(std::move(r)));
  return list;
}

const std::vector<OpMethod>& OpMethods() {
  static const std::vector<OpMethod> methods = [] {
    std::vector<OpMethod> v;
    for (OpKind kind : AllOpKinds()) v.push_back(MakeOpMethod(kind));
    return v;
  }();
  return methods;
}

// ---- The other builder methods ----------------------------------------------------------------

bool IsNumber(py::handle h) {
  return !py::isinstance<py::str>(h) && !py::isinstance<py::bytes>(h) &&
         (PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr()) ||
          py::isinstance(h, py::module_::import("numpy").attr("number")));
}

// constant(descriptor, buffer) | constant(type, value) | constant(tensor) | constant(array)
PyOperand Constant(PyBuilder& b, py::handle first, py::handle second) {
  if (second.is_none()) {
    if (py::isinstance<PyTensor>(first)) {
      const MLTensor& t = first.cast<const PyTensor&>().tensor;
      return Locked(b, false, [&] { return Wrap(b.builder->constant(t)); });
    }
    if (!py::isinstance<py::array>(first)) {
      BadValue("constant", "a numpy array, an MLTensor, (descriptor, buffer) or (type, value)",
               first);
    }
    const OperandDescriptor desc =
        DescriptorOfArray(py::reinterpret_borrow<py::array>(first), "constant");
    HostBytes bytes = ToHostBytes(first, desc, "constant");
    return Locked(b, false, [&] { return Wrap(b.builder->constant(desc, bytes.span())); });
  }
  if (IsNumber(second) && !py::isinstance<py::dict>(first) &&
      !py::isinstance<OperandDescriptor>(first)) {
    const DataType type = ToDataType(first, "constant: type");
    const MLNumber value = ToMLNumber(second, "constant: value");
    return Locked(b, false, [&] { return Wrap(b.builder->constant(type, value)); });
  }
  const OperandDescriptor desc = ToOperandDescriptor(first, "constant: descriptor");
  HostBytes bytes = ToHostBytes(second, desc, "constant: buffer");
  return Locked(b, false, [&] { return Wrap(b.builder->constant(desc, bytes.span())); });
}

std::shared_ptr<PyBuilder> NewBuilder(const std::shared_ptr<PyContext>& c) {
  auto b = std::make_shared<PyBuilder>();
  b->owner = c;
  b->builder = WithContext(*c, false, [&] { return std::make_unique<MLGraphBuilder>(c->context); });
  return b;
}

py::list BuilderMethodsInfo() {
  py::list out;
  for (const OpMethod& m : OpMethods()) {
    py::list params;
    for (const Param& p : m.params) {
      params.append(py::dict(py::arg("name") = p.name, py::arg("type") = p.type,
                             py::arg("keyword_only") = p.keyword_only,
                             py::arg("default") = p.keyword_only
                                                      ? py::object(py::str(p.default_repr))
                                                      : py::object(py::none())));
    }
    out.append(py::dict(py::arg("name") = m.name, py::arg("spec_name") = m.spec_name,
                        py::arg("params") = params, py::arg("returns") = m.Returns()));
  }
  return out;
}

}  // namespace

void RegisterBuilder(py::module_& m) {
  py::class_<PyOperand>(m, "MLOperand", "https://www.w3.org/TR/webnn/#api-mloperand")
      .def_property_readonly(
          "data_type",
          [](const PyOperand& o) { return std::string(DataTypeName(o.desc.dataType)); })
      .def_property_readonly("shape", [](const PyOperand& o) { return ShapeToList(o.desc.shape); })
      .def_property_readonly("descriptor", [](const PyOperand& o) { return o.desc; })
      .def("__repr__",
           [](const PyOperand& o) { return "MLOperand(" + DescriptorToString(o.desc) + ")"; });

  py::class_<PyBuilder, std::shared_ptr<PyBuilder>> builder(
      m, "MLGraphBuilder",
      "https://www.w3.org/TR/webnn/#api-mlgraphbuilder. Operator methods take the spec's "
      "positional arguments and its options as keyword arguments, in snake_case.");
  builder.def(py::init(&NewBuilder), py::arg("context").none(false))
      .def(
          "input",
          [](PyBuilder& b, const std::string& name, py::handle descriptor) {
            const OperandDescriptor desc = ToOperandDescriptor(descriptor, "input '" + name + "'");
            return Locked(b, false, [&] { return Wrap(b.builder->input(name, desc)); });
          },
          py::arg("name"), py::arg("descriptor"))
      .def("constant", &Constant, py::arg("descriptor"), py::arg("buffer") = py::none(),
           "constant(descriptor, buffer), constant(type, value), constant(tensor), or "
           "constant(array) with the array's dtype and shape. The data is copied.")
      .def(
          "build",
          [](PyBuilder& b, const py::dict& outputs) {
            MLNamedOperands named;
            for (auto [key, value] : outputs) {
              if (!py::isinstance<py::str>(key)) ThrowTypeError("build: output names must be str");
              const std::string name = py::str(key);
              named.emplace(name, OperandArg(value, "build: output '" + name + "'").operand);
            }
            MLGraph g = Locked(b, /*release_gil=*/true, [&] { return b.builder->build(named); });
            return std::make_shared<PyGraph>(PyGraph{b.owner, std::move(g)});
          },
          py::arg("outputs"));

  {
    py::options options;
    options.disable_function_signatures();
    for (const OpMethod& op : OpMethods()) {
      const std::string doc = op.name + "(self, " + op.Signature() + ") -> " + op.Returns() +
                              "\n\n" + std::string(OpSummary(op.spec_name)) +
                              "\n\nMLGraphBuilder." + op.spec_name +
                              "() of the spec; its options are keyword arguments.";
      builder.def(
          op.name.c_str(),
          [&op](PyBuilder& b, const py::args& args, const py::kwargs& kwargs) {
            return CallOp(op, b, args, kwargs);
          },
          doc.c_str());
    }
  }

  auto context = py::reinterpret_borrow<py::type>(m.attr("MLContext"));
  context.attr("create_graph_builder") =
      py::cpp_function(&NewBuilder, py::name("create_graph_builder"), py::is_method(context),
                       "The same as MLGraphBuilder(context).");

  m.def("_builder_methods", &BuilderMethodsInfo,
        "The generated operator methods: name, spec name, parameters (name, type, keyword_only, "
        "default), return type. Used by tools/generate_stubs.py.");
}

}  // namespace webnn::python
