// Writes the type stubs of the registered ops (ops/registry.hpp) when the core is built:
//   <out>/xgrad/_core.pyi                 the template with the registered functions and methods
//   <out>/xgrad/_tensor/registered.pyi    xgrad.<name> (what xgrad/_tensor/registered.py exposes)
//   <out>/xgrad/nn/_registered.pyi        xgrad.nn.functional.<name> (xgrad/nn/_registered.py)
// Usage: generate_stubs <cpp/stubs/_core.pyi.in> <out>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "xgrad/ops/registry.hpp"

namespace {

using xgrad::ops::OpInfo;

std::string docstring(const std::string& text, const std::string& indent) {
    std::string escaped;
    for (char c : text) {
        if (c == '\\' || c == '"') escaped += '\\';
        escaped += c;
    }
    return indent + "\"\"\"" + escaped + "\"\"\"\n";
}

std::string stub(const OpInfo& op, bool as_method, const std::string& indent) {
    return indent + "def " + xgrad::ops::python_signature(op, as_method) + ":\n" + docstring(op.formula, indent + "    ");
}

// The re-exports of a module that takes registered functions from _core.
std::string reexports(const std::string& header, const std::string& core, unsigned exposure) {
    std::ostringstream os;
    os << header << "\n";
    std::string names;
    for (const OpInfo& op : xgrad::ops::registered_ops())
        if (op.exposure & exposure) {
            os << "from " << core << " import " << op.name << " as " << op.name << "\n";
            names += (names.empty() ? "\"" : ", \"") + op.name + "\"";
        }
    os << "\n__all__ = [" << names << "]\n";
    return os.str();
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: generate_stubs <_core.pyi.in> <output directory>\n";
        return 2;
    }
    try {
        std::ifstream in(argv[1]);
        if (!in) throw std::runtime_error(std::string("cannot read ") + argv[1]);
        std::ostringstream methods, functions;
        for (const OpInfo& op : xgrad::ops::registered_ops()) {
            functions << stub(op, false, "");
            if (op.exposure & xgrad::ops::method) methods << stub(op, true, "    ");
        }
        std::ostringstream core;
        std::string line;
        while (std::getline(in, line)) {
            if (line.find("# @registered-methods") != std::string::npos)
                core << methods.str();
            else if (line.find("# @registered-functions") != std::string::npos)
                core << functions.str();
            else
                core << line << "\n";
        }
        const std::filesystem::path out = std::filesystem::path(argv[2]) / "xgrad";
        write(out / "_core.pyi", core.str());
        write(out / "_tensor" / "registered.pyi",
              reexports("# Generated from the op registry by cpp/stubs/generate_stubs.cpp.\n"
                        "from typing import Any, Callable, Dict\n\n"
                        "REGISTRY: Dict[str, Dict[str, Any]]\nFUNCTIONAL: Dict[str, Callable[..., Any]]\n",
                        "xgrad._core", xgrad::ops::function));
        write(out / "nn" / "_registered.pyi",
              reexports("# Generated from the op registry by cpp/stubs/generate_stubs.cpp.\n", "xgrad._core",
                        xgrad::ops::functional));
    } catch (const std::exception& e) {
        std::cerr << "generate_stubs: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
