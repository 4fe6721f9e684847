// Boost.JSON compiled into Chancery rather than called through Debian's
// shared library: the page views are built from thousands of small
// Boost.JSON calls per render, and a call into a shared library goes
// through the PLT, which the compiler can neither inline nor see past.
// This is Boost.JSON's own documented way of building it ("include
// <boost/json/src.hpp> in one translation unit"), from the same Debian
// headers as before.
#include <boost/json/src.hpp>
