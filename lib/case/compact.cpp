// Keeping a live case small (docs/performance.md, "Bytes per live case"): the case runs commands in place, so
// a vector grown by an event keeps the spare capacity its growth reserved; with thousands of cases cached
// that is most of what they waste.
#include "case/case.hpp"

namespace permitflow {
namespace {

template <class T>
void trim(std::vector<T>& v) {
  if (v.capacity() != v.size()) v.shrink_to_fit();
}

}  // namespace

void trim_capacity(Case& c) {
  trim(c.materials);
  trim(c.notices);
  for (NoticeRecord& n : c.notices) trim(n.items);
  trim(c.resubmitted_since_notice);
  trim(c.inspections);
  for (Inspection& i : c.inspections) trim(i.inspectors);
  trim(c.suspensions);
  trim(c.flags);
  trim(c.warnings);
  if (c.complaint.allocated()) {
    ComplaintFile& f = c.complaint.mut();
    trim(f.returned_by);
    trim(f.units_held);
    trim(f.ratings);
  }
  if (c.tolerance) {
    trim(c.tolerance->items);
    trim(c.tolerance->outstanding);
  }
  if (c.commitment) trim(c.commitment->items);
}

}  // namespace permitflow
