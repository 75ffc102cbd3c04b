# -*- encoding: utf-8 -*-
# stub: dual 1.2.0 ruby lib

Gem::Specification.new do |spec|
  spec.name = 'dual'
  spec.version = Gem::Version.new('1.2.0')
  spec.licenses = ['Ruby'.freeze, 'BSD-2-Clause'.freeze]
  spec.summary = "s.name = \"not-me\"".freeze
end
