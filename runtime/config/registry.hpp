// Components of one kind by name, in the order they were registered.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace lsgd {

template <class Component>
class registry {
public:
  /// Adds `c`; throws std::invalid_argument if its name is taken.
  void add(Component c) {
    if (find(c.name))
      throw std::invalid_argument("a component named \"" + c.name + "\" is registered twice");
    items_.push_back(std::move(c));
  }

  /// The component named `name`, or nullptr.
  const Component* find(const std::string& name) const {
    for (const auto& c : items_)
      if (c.name == name)
        return &c;
    return nullptr;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& c : items_)
      out.push_back(c.name);
    return out;
  }

  const std::vector<Component>& all() const {
    return items_;
  }

private:
  std::vector<Component> items_;
};

} // namespace lsgd
