// permitflow._permitflow: the native half of the Python module. It mirrors permitflow::Engine one to one
// with JSON strings in and out; the pure-Python package (permitflow/__init__.py) turns them into dicts and
// accepts datetime.date / aware datetime. Every engine call releases the GIL (the engine is thread-safe), and
// permitflow::Error becomes the exception of its status (permitflow.Error and its subclasses).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <utility>

#include "permitflow/documents.hpp"
#include "permitflow/engine.hpp"
#include "permitflow/error.hpp"

namespace py = pybind11;

namespace {

using permitflow::ErrorCode;

// The exception classes, indexed by ErrorCode (0 unused). They live as long as the interpreter.
std::array<PyObject*, 9> g_exceptions{};

// One class per status, under permitflow.Error; InvalidArgument is also a ValueError and NotFound a
// LookupError, so code that catches the built-in ones keeps working.
void add_exception_classes(py::module_& m) {
  const auto make = [&m](const char* name, PyObject* bases, int status, const char* doc) {
    const std::string qualified = std::string("permitflow.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
    if (cls == nullptr) throw py::error_already_set();
    py::handle h(cls);
    h.attr("status") = status;
    h.attr("field") = py::none();
    m.add_object(name, h);  // the module keeps its own reference; ours stays in g_exceptions
    return cls;
  };
  PyObject* base =
      make("Error", PyExc_Exception, 0,
           "Base class of every permitflow error. str(e) is the engine's message, a sentence a\n"
           "portal can show; e.status is the C API status code (1-8); e.field is a JSON pointer\n"
           "to the offending input, or None.");
  g_exceptions[0] = base;
  const auto sub = [&](ErrorCode code, const char* name, PyObject* also, const char* doc) {
    py::tuple bases = also != nullptr ? py::make_tuple(py::handle(base), py::handle(also))
                                      : py::make_tuple(py::handle(base));
    g_exceptions[static_cast<std::size_t>(code)] = make(name, bases.ptr(), static_cast<int>(code), doc);
  };
  sub(ErrorCode::invalid_argument, "InvalidArgument", PyExc_ValueError,
      "Status 1: malformed or unknown input (JSON, field, permit, command, date, naive datetime).");
  sub(ErrorCode::not_found, "NotFound", PyExc_LookupError, "Status 2: no such case.");
  sub(ErrorCode::invalid_state, "InvalidState", nullptr,
      "Status 3: the command does not apply in the case's current state.");
  sub(ErrorCode::permission_denied, "PermissionDenied", nullptr,
      "Status 4: the actor's role or ownership does not allow the command.");
  sub(ErrorCode::conflict, "Conflict", nullptr,
      "Status 5: expected_version does not match, or a concurrent writer won.");
  sub(ErrorCode::rule_violation, "RuleViolation", nullptr,
      "Status 6: the law or the permit definition forbids it (the message names the items).");
  sub(ErrorCode::storage, "StorageError", nullptr, "Status 7: the database failed; nothing was written.");
  sub(ErrorCode::internal, "Internal", nullptr, "Status 8: a bug in permitflow.");
}

void raise(ErrorCode code, const char* message, const std::string& field) {
  auto index = static_cast<std::size_t>(code);
  if (index == 0 || index >= g_exceptions.size()) index = static_cast<std::size_t>(ErrorCode::internal);
  py::handle cls(g_exceptions[index]);
  py::object exc = cls(py::str(message));
  exc.attr("status") = static_cast<int>(index);
  exc.attr("field") = field.empty() ? py::object(py::none()) : py::object(py::str(field));
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const permitflow::Error& e) {
    raise(e.code(), e.what(), e.field());
  } catch (const py::builtin_exception&) {
    throw;  // pybind11's own (value_error, …): its translator handles them
  } catch (const py::error_already_set&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;  // MemoryError
  } catch (const std::exception& e) {
    raise(ErrorCode::internal, e.what(), {});
  }
}

// The native engine. close() may race with calls on other threads: each call takes its own reference to
// the engine (with the GIL held), so the engine is destroyed only after the last running call returns.
class NativeEngine {
 public:
  explicit NativeEngine(const std::string& config_json) {
    py::gil_scoped_release release;
    engine_ = std::make_shared<permitflow::Engine>(config_json);
  }

  std::shared_ptr<permitflow::Engine> get() const {
    if (!engine_) throw permitflow::Error(ErrorCode::invalid_state, "the engine is closed");
    return engine_;
  }

  bool closed() const { return !engine_; }

  void close() {
    std::shared_ptr<permitflow::Engine> last = std::exchange(engine_, nullptr);
    py::gil_scoped_release release;
    last.reset();
  }

  // Runs `fn(engine)` without the GIL.
  template <typename Fn>
  std::string call(Fn&& fn) const {
    auto engine = get();
    py::gil_scoped_release release;
    return fn(*engine);
  }

 private:
  std::shared_ptr<permitflow::Engine> engine_;
};

}  // namespace

PYBIND11_MODULE(_permitflow, m) {
  m.doc() =
      "Native half of permitflow: permitflow::Engine with JSON strings in and out.\n\n"
      "Use the package `permitflow` (dicts, dates, a context manager) rather than this module.";
  m.attr("__version__") = permitflow::version();

  add_exception_classes(m);
  py::register_exception_translator(&translate);

  m.def(
      "version", []() { return std::string(permitflow::version()); },
      "The runtime version of the C++ library, e.g. '0.1.0'.");
  m.def(
      "sniff_document_format",
      [](const std::string& path) {
        py::gil_scoped_release release;
        return permitflow::sniff_document_format(path);
      },
      py::arg("path"), "A file's format from its first bytes: 'pdf', 'ofd', 'png', 'jpg', or ''.");

  py::class_<NativeEngine>(m, "Engine",
                           "An engine over one database, JSON strings in and out (docs/contract.md).\n"
                           "Thread-safe: the GIL is released during every call.")
      .def(
          py::init<const std::string&>(), py::arg("config_json"),
          "Opens the engine from a config JSON: {\"database\": \"file.db\", \"definitions_dir\"?,\n"
          "\"calendar_file\"?, \"utc_offset_minutes\"?, \"synchronous\"?, \"county_code\"?, \"log_level\"?,\n"
          "\"pool_size\"?}. database may be a postgresql:// URL.")
      .def(
          "precheck",
          [](const NativeEngine& self, const std::string& application_json) {
            return self.call([&](permitflow::Engine& e) { return e.precheck(application_json); });
          },
          py::arg("application_json"),
          "The one-time notice an application would get, as JSON; creates nothing.")
      .def(
          "submit",
          [](const NativeEngine& self, const std::string& application_json) {
            return self.call([&](permitflow::Engine& e) { return e.submit(application_json); });
          },
          py::arg("application_json"), "Receives an application and returns the new case as JSON.")
      .def(
          "execute",
          [](const NativeEngine& self, const std::string& case_id, const std::string& command_json) {
            return self.call([&](permitflow::Engine& e) { return e.execute(case_id, command_json); });
          },
          py::arg("case_id"), py::arg("command_json"),
          "Runs a command on a case and returns the case after it, as JSON.")
      .def(
          "get_case",
          [](const NativeEngine& self, const std::string& case_id) {
            return self.call([&](permitflow::Engine& e) { return e.get_case(case_id); });
          },
          py::arg("case_id"), "The case as it stands, as JSON.")
      .def(
          "history",
          [](const NativeEngine& self, const std::string& case_id) {
            return self.call([&](permitflow::Engine& e) { return e.history(case_id); });
          },
          py::arg("case_id"), "The case's events in order, with their hashes, as a JSON array.")
      .def(
          "get_case_as",
          [](const NativeEngine& self, const std::string& case_id, const std::string& actor_json) {
            return self.call([&](permitflow::Engine& e) { return e.get_case_as(case_id, actor_json); });
          },
          py::arg("case_id"), py::arg("actor_json"),
          "The case as the actor may see it, with \"allowed_commands\", as JSON.")
      .def(
          "history_as",
          [](const NativeEngine& self, const std::string& case_id, const std::string& actor_json) {
            return self.call([&](permitflow::Engine& e) { return e.history_as(case_id, actor_json); });
          },
          py::arg("case_id"), py::arg("actor_json"), "The case's events as the actor may see them, as JSON.")
      .def(
          "query",
          [](const NativeEngine& self, const std::string& query_json) {
            return self.call([&](permitflow::Engine& e) { return e.query(query_json); });
          },
          py::arg("query_json"), "Cases matching a query: {\"cases\": [...], \"next\": cursor|null}.")
      .def(
          "run_due",
          [](const NativeEngine& self, const std::string& now_rfc3339) {
            return self.call([&](permitflow::Engine& e) { return e.run_due(now_rfc3339); });
          },
          py::arg("now_rfc3339"), "Fires every timer due at or before `now`; returns what fired as JSON.")
      .def(
          "report",
          [](const NativeEngine& self, const std::string& report_json) {
            return self.call([&](permitflow::Engine& e) { return e.report(report_json); });
          },
          py::arg("report_json"), "The weekly supervision report: {\"week\", \"format\": \"json\"|\"csv\"}.")
      .def(
          "verify",
          [](const NativeEngine& self, const std::string& options_json) {
            return self.call([&](permitflow::Engine& e) { return e.verify(options_json); });
          },
          py::arg("options_json") = "{}",
          "Checks every hash chain and projection (and, with {\"documents_dir\"}, the documents); returns "
          "the result as JSON.")
      .def(
          "feed",
          [](const NativeEngine& self, const std::string& request_json) {
            return self.call([&](permitflow::Engine& e) { return e.feed(request_json); });
          },
          py::arg("request_json"), "Feed records after a cursor: {\"records\": [...], \"next\", \"head\"}.")
      .def(
          "feed_ack",
          [](const NativeEngine& self, const std::string& consumer, std::int64_t seq) {
            self.call([&](permitflow::Engine& e) {
              e.feed_ack(consumer, seq);
              return std::string();
            });
          },
          py::arg("consumer"), py::arg("seq"), "Moves a durable consumer's cursor forward to `seq`.")
      .def(
          "definitions",
          [](const NativeEngine& self, const std::string& date) {
            return self.call([&](permitflow::Engine& e) { return e.definitions(date); });
          },
          py::arg("date") = std::string(),
          "The definitions the engine knows, with hashes and effective dates, as JSON.")
      .def(
          "add_working_days",
          [](const NativeEngine& self, const std::string& date, int n) {
            return self.call([&](permitflow::Engine& e) { return e.add_working_days(date, n); });
          },
          py::arg("date"), py::arg("n"),
          "{\"date\": \"YYYY-MM-DD\", \"provisional\": bool}: the n-th working day after `date`.")
      .def("close", &NativeEngine::close,
           "Closes the engine; calls already running finish first. Closing twice is harmless.")
      .def_property_readonly("closed", &NativeEngine::closed, "True once close() was called.");
}
